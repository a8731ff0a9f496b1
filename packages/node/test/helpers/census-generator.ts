/**
 * A seeded census of government information systems (虚构) for the census analysis tests: ≥ 1,000
 * systems of realistic Chinese names and functions, with planted 僵尸 systems (several of the
 * 国办发〔2017〕39号 criteria each), planted 影子 families (near-duplicate names and functions,
 * across or within departments) and planted 一数一源 violations — and the truth to score against.
 */
import type {
  CatalogResourceInput,
  CensusInputs,
  CensusSystemInput,
  InventoryRecord,
  ResourceUsage,
} from "../../src/census/analysis/types.js";
import { memberCode } from "../sharing-fixtures.js";

/** mulberry32: a small seeded PRNG, so every run generates the same census. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const DEPARTMENTS = [
  "市公安局",
  "市民政局",
  "市人力资源社会保障局",
  "市自然资源和规划局",
  "市生态环境局",
  "市住房城乡建设局",
  "市交通运输局",
  "市水务局",
  "市农业农村局",
  "市商务局",
  "市文化和旅游局",
  "市卫生健康委",
  "市退役军人事务局",
  "市应急管理局",
  "市审计局",
  "市市场监管局",
  "市统计局",
  "市医保局",
  "市城市管理局",
  "市行政审批服务局",
  "市大数据局",
  "市教育局",
  "市科技局",
  "市工业和信息化局",
  "市司法局",
  "市财政局",
  "市林业局",
  "市体育局",
  "市信访局",
  "市税务局",
  "市人防办",
  "市地方金融监管局",
  "市粮食和储备局",
  "市气象局",
  "市档案馆",
  "市残联",
  "市公积金中心",
  "市机关事务管理局",
  "市消防救援支队",
  "市海洋发展局",
];

/** Business objects (业务对象) and their own vocabulary. */
const OBJECTS: [string, string][] = [
  ["不动产", "房屋土地权属"],
  ["户籍人口", "常住和流动人口"],
  ["社会救助", "低保特困对象"],
  ["养老服务", "养老机构和老年人"],
  ["殡葬", "殡仪馆和公墓"],
  ["婚姻登记", "结婚离婚当事人"],
  ["社会组织", "社团和民办非企业单位"],
  ["就业创业", "求职者和创业担保贷款"],
  ["社会保险", "参保单位和个人"],
  ["劳动监察", "用人单位欠薪"],
  ["建设用地", "用地预审和供地"],
  ["矿产资源", "采矿权和探矿权"],
  ["国土空间规划", "规划编制和用途管制"],
  ["排污许可", "排污单位"],
  ["环境监测", "空气和水质监测站点"],
  ["危险废物", "危废产生和转移联单"],
  ["建筑市场", "施工企业和从业人员"],
  ["物业", "物业服务企业和小区"],
  ["公共租赁住房", "保障房申请家庭"],
  ["道路运输", "客货运车辆和驾驶员"],
  ["公交", "公交线路和站点"],
  ["出租汽车", "巡游出租车和网约车"],
  ["河湖长制", "河湖巡查问题"],
  ["水资源", "取水许可和用水计量"],
  ["防汛抗旱", "水库和雨情水情"],
  ["农机购置补贴", "农机具和购机农户"],
  ["动物防疫", "畜禽养殖场和检疫证明"],
  ["农产品质量", "农产品抽检"],
  ["耕地保护", "永久基本农田"],
  ["外贸企业", "进出口经营者"],
  ["商贸流通", "商场超市和成品油"],
  ["旅游景区", "A级景区和游客流量"],
  ["文物", "文物保护单位"],
  ["公共文化", "图书馆和文化馆"],
  ["医疗机构", "医院和诊所"],
  ["传染病", "法定传染病报告"],
  ["妇幼健康", "孕产妇和儿童保健"],
  ["家庭医生签约", "签约居民"],
  ["退役军人", "优抚对象和安置"],
  ["安全生产", "危化品企业"],
  ["应急物资", "救灾物资储备库"],
  ["自然灾害", "灾情和受灾人口"],
  ["审计项目", "审计计划和整改"],
  ["食品安全", "食品生产经营者"],
  ["特种设备", "电梯锅炉和压力容器"],
  ["药品", "药品零售企业"],
  ["企业登记", "市场主体"],
  ["计量器具", "强制检定计量器具"],
  ["统计调查", "统计调查对象和报表"],
  ["医保结算", "定点医药机构"],
  ["医保基金监管", "违规医保结算"],
  ["市容环卫", "垃圾分类和环卫作业"],
  ["城市照明", "路灯和景观照明"],
  ["户外广告", "户外广告设施"],
  ["园林绿化", "公园绿地和古树名木"],
  ["政务服务事项", "办事指南和事项清单"],
  ["投资项目", "投资项目审批和备案"],
  ["施工许可", "建筑工程施工许可"],
  ["学籍", "中小学生学籍"],
  ["校车", "校车和驾驶人"],
  ["教师资格", "教师资格认定"],
  ["科技项目", "科技计划项目"],
  ["高新技术企业", "高企认定"],
  ["工业企业", "规上工业企业运行"],
  ["节能", "重点用能单位"],
  ["法律援助", "法律援助申请人"],
  ["社区矫正", "社区矫正对象"],
  ["人民调解", "矛盾纠纷调解"],
  ["政府采购", "采购项目和供应商"],
  ["非税收入", "非税收入缴款"],
  ["国有资产", "行政事业单位资产"],
  ["林地", "林地和林木采伐"],
  ["森林防火", "火情监测和护林员"],
  ["体育场馆", "公共体育设施"],
  ["信访事项", "来信来访事项"],
  ["人防工程", "人防工程和警报"],
  ["小额贷款", "小贷公司和融资担保"],
  ["粮食储备", "储备粮库存"],
  ["气象预警", "气象灾害预警信息"],
  ["档案", "电子档案和馆藏"],
  ["残疾人", "残疾人证和补贴"],
  ["住房公积金", "缴存职工和贷款"],
  ["公务用车", "公务车辆和用车申请"],
  ["消防监督", "消防安全重点单位"],
  ["海域使用", "海域使用权和海洋功能区"],
  ["渔船", "渔船和渔业船员"],
  ["网格化", "网格员和社区事件"],
  ["市民热线", "12345 工单"],
  ["电子证照", "证照目录和用证记录"],
  ["信用信息", "失信主体和信用修复"],
  ["公共资源交易", "招投标项目"],
  ["价格监测", "重要商品价格"],
  ["停车", "公共停车泊位"],
  ["渣土运输", "渣土车和消纳场"],
  ["燃气", "燃气企业和用户"],
  ["供热", "供热企业和热用户"],
  ["地下管线", "地下管网普查数据"],
  ["地名地址", "标准地名和门牌"],
  ["测绘成果", "基础测绘成果"],
  ["房屋安全", "既有房屋安全鉴定"],
  ["老旧小区改造", "改造项目"],
  ["农村集体资产", "村集体三资"],
  ["乡村振兴", "帮扶对象和项目"],
  ["宗教事务", "宗教活动场所"],
  ["民族事务", "少数民族人口"],
  ["侨务", "归侨侨眷"],
  ["外事", "因公出国团组"],
];

/** Kinds of work a system does: a name ending and a function template. */
const ACTIONS: [string, (o: string, v: string) => string][] = [
  ["登记", (o, v) => `${o}登记受理、变更和注销,${v}基础信息的采集和维护。`],
  ["审批", (o, v) => `${o}相关行政许可的网上申请、受理、审查和决定,审批结果推送${v}。`],
  ["监管", (o, v) => `对${v}开展日常巡查、随机抽查和执法检查,记录${o}监管问题并跟踪整改。`],
  ["统计分析", (o, v) => `汇总${o}业务数据,按月生成${v}统计报表,提供分析图表和领导驾驶舱。`],
  ["查询服务", (o, v) => `面向群众和企业提供${o}信息查询、进度查询和证明开具,覆盖${v}。`],
  ["监测预警", (o, v) => `实时采集${v}运行数据,对${o}异常情况分级预警并推送处置。`],
  ["档案管理", (o, v) => `${o}纸质档案数字化、电子档案归档和借阅利用,涵盖${v}。`],
  ["补贴发放", (o, v) => `${o}补贴资金的申报、审核、公示和发放,对接${v}。`],
  ["考核评价", (o, v) => `${o}工作目标考核、绩效评价和排名通报,评价对象为${v}。`],
  ["信用评价", (o, v) => `归集${v}的守信失信记录,按${o}信用评价指标分级分类,结果用于差异化监管。`],
  ["调度指挥", (o, v) => `${o}突发事件的视频会商、力量调度和指令下达,联动${v}现场处置。`],
  ["公开公示", (o, v) => `${o}政务信息和行政处罚结果依法公开,接受${v}和社会监督。`],
  ["移动办公", (o, v) => `工作人员通过手机处理${o}待办事项,外勤采集${v}照片和定位。`],
];

const SUFFIXES = ["管理系统", "信息系统", "服务平台", "管理平台", "业务系统", "综合平台"];
const FREQUENT = ["每日", "每日", "每日", "每周", "每周", "每月"];

/** Near-duplicate wording: how a shadow copy of a system is usually named and described. */
const NAME_VARIANTS: ((core: string) => string)[] = [
  (c) => `${c}综合管理平台`,
  (c) => `智慧${c}系统`,
  (c) => `${c}信息化平台`,
  (c) => `网上${c}系统`,
  (c) => `${c}一体化平台`,
  (c) => `${c}服务系统(二期)`,
];
const FUNCTION_SWAPS: [string, string][] = [
  ["受理", "办理"],
  ["查询", "检索"],
  ["汇总", "归集"],
  ["采集", "收集"],
  ["推送", "发送"],
  ["维护", "更新"],
  ["记录", "登记"],
  ["生成", "形成"],
  ["发放", "兑付"],
  ["开展", "进行"],
];

export interface GeneratedCensus {
  inputs: CensusInputs;
  now: Date;
  /** Record ids of the planted zombies. */
  zombies: Set<string>;
  /** Planted shadow families: record ids of near-duplicate systems. */
  shadowFamilies: string[][];
  /** Planted 一数一源 violations: data elements produced by two systems. */
  oneSourceElements: Set<string>;
}

const DAY = 86_400_000;

export function generateCensus(options: { seed?: number; systems?: number } = {}): GeneratedCensus {
  const rand = seeded(options.seed ?? 20_170_520);
  const target = options.systems ?? 1_200;
  const now = new Date("2026-06-01T02:00:00Z");
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;
  const iso = (msAgo: number) => new Date(now.getTime() - msAgo).toISOString();
  const departments = DEPARTMENTS.map((name, i) => ({ name, code: memberCode(900_000 + i) }));

  const systems: CensusSystemInput[] = [];
  const catalog: CatalogResourceInput[] = [];
  const usage: ResourceUsage[] = [];
  const zombies = new Set<string>();
  const shadowFamilies: string[][] = [];
  const oneSourceElements = new Set<string>();
  let resourceSeq = 0;

  const combos: [number, number][] = [];
  for (let o = 0; o < OBJECTS.length; o++)
    for (let a = 0; a < ACTIONS.length; a++) combos.push([o, a]);
  // Shuffle (Fisher–Yates) so every department gets a mix.
  for (let i = combos.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [combos[i], combos[j]] = [combos[j] as [number, number], combos[i] as [number, number]];
  }

  const addResources = (record: InventoryRecord, owner: string, count: number, tag: string) => {
    const codes: string[] = [];
    for (let k = 0; k < count; k++) {
      resourceSeq++;
      const code = `3${String(10 + (resourceSeq % 80)).padStart(2, "0")}001/G${String(resourceSeq).padStart(6, "0")}`;
      codes.push(code);
      catalog.push({
        resourceCode: code,
        providerCode: owner,
        name: `${record.name}资源${k + 1}`,
        status: "published",
        elements: [`https://govex.dev/specs/data/v1/local.schema.json#/$defs/${tag}_${k}`],
      });
    }
    record.linkedCatalogResources = codes;
    return codes;
  };
  const used = (codes: readonly string[], recent: boolean) => {
    for (const code of codes) {
      const calls = 50 + Math.floor(rand() * 5000);
      usage.push({
        resourceCode: code,
        recentCalls: recent ? Math.max(1, Math.floor(calls / 4)) : 0,
        calls,
        consumers: 1 + Math.floor(rand() * 12),
        lastCall: recent ? iso(rand() * 20 * DAY) : iso((300 + rand() * 600) * DAY),
      });
    }
  };

  let n = 0;
  const nextId = () => `c-gen-${String(++n).padStart(5, "0")}`;

  /** A healthy system: used, maintained, often on the exchange. */
  const healthy = (o: number, a: number, dept: (typeof departments)[number], mayConnect = true) => {
    const [object, vocab] = OBJECTS[o] as [string, string];
    const [action, fn] = ACTIONS[a] as [string, (o: string, v: string) => string];
    const record: InventoryRecord = {
      name: `${dept.name}${object}${action}${pick(SUFFIXES)}`,
      ownerDepartment: dept.name,
      ownerDepartmentCode: dept.code,
      function: fn(object, vocab),
      systemCode: `sys${n + 1}`,
      scopeOfUse: rand() < 0.5 ? ["本部门", "跨部门"] : ["本系统上下级", "跨部门", "社会公众"],
      frequencyOfUse: pick(FREQUENT),
      userCount: 20 + Math.floor(rand() * 20_000),
      networks: ["电子政务外网"],
      status: "运行",
      onlineDate: `${2015 + Math.floor(rand() * 10)}-0${1 + Math.floor(rand() * 9)}-15`,
      maintainer: { name: "示例信息技术有限公司" },
      connectedToExchange: mayConnect && rand() < 0.6,
    };
    const id = nextId();
    if (record.connectedToExchange)
      used(addResources(record, dept.code, 1 + Math.floor(rand() * 3), `e${n}`), true);
    // Single criteria, not enough to call a system a zombie (the analysis must not list these).
    const noise = rand();
    if (noise < 0.06) {
      record.scopeOfUse = ["本部门"];
      record.frequencyOfUse = pick(["每季度", "每年"]);
    } else if (noise < 0.09) record.status = "拟整合";
    else if (noise < 0.12) {
      delete record.maintainer;
      record.onlineDate = "2012-05-01";
    }
    return { id, record };
  };

  const zombieKinds: ((
    r: InventoryRecord,
    dept: (typeof departments)[number],
    tag: string,
  ) => void)[] = [
    // Self-reported unused, stopped.
    (r) => {
      r.frequencyOfUse = "长期未使用";
      r.status = "停用";
    },
    // On the exchange but no call for a year, nobody uses it.
    (r, dept, tag) => {
      r.connectedToExchange = true;
      used(addResources(r, dept.code, 1 + Math.floor(rand() * 2), tag), false);
      r.userCount = 0;
    },
    // Narrow, rare, few users, old and unmaintained.
    (r) => {
      r.scopeOfUse = ["本部门"];
      r.frequencyOfUse = "每年";
      r.userCount = Math.floor(rand() * 8);
      delete r.maintainer;
      r.onlineDate = "2011-03-01";
      r.remarks = "运维合同已到期,停止维护。";
    },
    // Unused and narrow.
    (r) => {
      r.frequencyOfUse = "长期未使用";
      r.scopeOfUse = ["本部门"];
      r.userCount = 3;
    },
    // Subtle: only weak signs (narrow, yearly, a few users, old and unmaintained) — a reviewer
    // would call it a zombie, the rules stay below the threshold: the realistic miss.
    (r) => {
      r.scopeOfUse = ["本部门"];
      r.frequencyOfUse = "每年";
      r.userCount = 2 + Math.floor(rand() * 6);
      delete r.maintainer;
      r.onlineDate = "2013-07-01";
    },
    // No calls in a year, marked for clean-up.
    (r, dept, tag) => {
      r.connectedToExchange = true;
      used(addResources(r, dept.code, 1, tag), false);
      r.status = "拟清理";
    },
  ];

  let combo = 0;
  while (systems.length < target) {
    if (combo + 2 > combos.length) throw new Error(`at most ${combos.length} distinct systems`);
    const [o, a] = combos[combo++] as [number, number];
    const dept = pick(departments);
    const roll = rand();
    const base = healthy(o, a, dept, roll >= 0.08);
    systems.push({ id: base.id, record: base.record });
    if (roll < 0.08) {
      // A planted zombie.
      const kind = pick(zombieKinds);
      base.record.connectedToExchange = false;
      kind(base.record, dept, `z${n}`);
      zombies.add(base.id);
    } else if (roll < 0.16 && systems.length < target - 2) {
      // A planted shadow family: one or two near-duplicates, in the same or another department.
      const family = [base.id];
      const copies = rand() < 0.3 ? 2 : 1;
      for (let c = 0; c < copies; c++) {
        const other = rand() < 0.5 ? dept : pick(departments);
        const [object] = OBJECTS[o] as [string, string];
        const [action] = ACTIONS[a] as [string, unknown];
        const core = rand() < 0.5 ? `${object}${action}` : `${object}${action.slice(0, 2)}`;
        let fn = base.record.function;
        for (const [from, to] of FUNCTION_SWAPS) if (rand() < 0.5) fn = fn.split(from).join(to);
        if (rand() < 0.4) fn = fn.replace(/[,,][^,,。]*。$/, "。");
        if (rand() < 0.4) fn = `${fn}支持移动端办理。`;
        const record: InventoryRecord = {
          ...base.record,
          name: `${other.name}${pick(NAME_VARIANTS)(core)}`,
          ownerDepartment: other.name,
          ownerDepartmentCode: other.code,
          function: fn,
          systemCode: `sys${n + 1}`,
          frequencyOfUse: pick(["每日", "每周", "每月"]),
          userCount: 10 + Math.floor(rand() * 2000),
        };
        delete record.linkedCatalogResources;
        const id = nextId();
        if (rand() < 0.5) used(addResources(record, other.code, 1, `s${n}`), true);
        systems.push({ id, record });
        family.push(id);
      }
      shadowFamilies.push(family);
    } else if (roll < 0.18 && base.record.linkedCatalogResources) {
      // A planted 一数一源 violation: another department's system publishes the same element.
      const element = catalog.find(
        (c) => c.resourceCode === base.record.linkedCatalogResources?.[0],
      )?.elements[0] as string;
      const otherDept = pick(departments.filter((d) => d.code !== dept.code));
      const [o2, a2] = combos[combo++] as [number, number];
      const second = healthy(o2, a2, otherDept);
      const codes =
        second.record.linkedCatalogResources ??
        addResources(second.record, otherDept.code, 1, `v${n}`);
      if (!second.record.connectedToExchange) {
        second.record.connectedToExchange = true;
        used(codes, true);
      }
      const resource = catalog.find((c) => c.resourceCode === codes[0]);
      resource?.elements.push(element);
      systems.push({ id: second.id, record: second.record });
      oneSourceElements.add(element);
    }
  }
  return {
    inputs: { systems, catalog, usage, auditSince: iso(3 * 365 * DAY) },
    now,
    zombies,
    shadowFamilies,
    oneSourceElements,
  };
}
