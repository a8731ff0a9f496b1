/** The console's texts: zh-CN first, English on request (the switch is kept in localStorage). */
import { ref } from "vue";

export type Lang = "zh-CN" | "en";

const saved = typeof localStorage === "undefined" ? null : localStorage.getItem("govex-lang");
export const lang = ref<Lang>(saved === "en" ? "en" : "zh-CN");

export function setLang(next: Lang): void {
  lang.value = next;
  localStorage.setItem("govex-lang", next);
  document.documentElement.lang = next;
}

const TEXTS = {
  title: ["govex 交换节点控制台", "govex exchange console"],
  skip: ["跳到正文", "Skip to content"],
  nav: ["主导航", "Main navigation"],
  catalog: ["目录", "Catalog"],
  shareRequests: ["共享申请", "Share requests"],
  registry: ["成员与系统", "Members & systems"],
  audit: ["审计日志", "Audit log"],
  census: ["普查分析", "Census"],
  evaluation: ["共享评价", "Evaluation"],
  deadLetters: ["死信", "Dead letters"],
  signOut: ["退出", "Sign out"],
  language: ["English", "中文"],
  languageLabel: ["切换到英文", "切换到中文 (switch to Chinese)"],
  operator: ["运营方", "operator"],
  sessionUntil: ["会话有效至", "session until"],
  // login
  login: ["登录", "Sign in"],
  loginIntro: [
    "控制台不设默认口令。用 govex start 打印的一次性令牌登录, 或用您持有的私钥登录。控制台的每个操作都是在浏览器中签名的接口调用, 由节点鉴权并记入审计日志。",
    "The console has no default password. Sign in with the one-time token `govex start` printed, or with a private key you hold. Every console action is an API call signed in your browser, authorized and audited by the node.",
  ],
  tokenLogin: ["一次性令牌", "One-time token"],
  token: ["令牌", "Token"],
  tokenHelp: [
    "令牌只能使用一次。登录后浏览器生成不可导出的会话密钥, 有效 8 小时。",
    "A token works once. Signing in makes a non-extractable session key in this browser, valid for 8 hours.",
  ],
  keyLogin: ["密钥登录", "Sign in with a key"],
  keyFile: [
    "私钥文件 (PKCS#8 PEM 或 JWK, Ed25519)",
    "Private key file (PKCS#8 PEM or JWK, Ed25519)",
  ],
  keyId: ["密钥标识", "Key id"],
  keyHelp: [
    "私钥只在本浏览器中使用, 不会上传。演示节点的运营方私钥在数据目录的 keys/operator.pem, 密钥标识为 operator。",
    "The key stays in this browser and is never uploaded. The demo operator's key is keys/operator.pem in the data directory, key id `operator`.",
  ],
  signIn: ["登录", "Sign in"],
  signingIn: ["正在登录…", "Signing in…"],
  key_file_unreadable: [
    "无法读取私钥文件。请选择 PEM 或 JWK 格式的私钥。",
    "The key file cannot be read: choose a PEM or JWK private key.",
  ],
  key_not_ed25519: [
    "私钥不是 Ed25519 密钥。控制台只支持 Ed25519。",
    "The key is not an Ed25519 key: the console supports Ed25519 only.",
  ],
  noFile: ["请选择私钥文件。", "Choose a key file."],
  // common
  loading: ["正在加载…", "Loading…"],
  empty: ["没有记录。", "Nothing here."],
  refresh: ["刷新", "Refresh"],
  more: ["加载更多", "Load more"],
  search: ["搜索", "Search"],
  status: ["状态", "Status"],
  actions: ["操作", "Actions"],
  error: ["出错", "Error"],
  // catalog
  catalogSearch: [
    "搜索目录 (资源名称、摘要、信息项)",
    "Search the catalog (name, abstract, items)",
  ],
  shareType: ["共享类型", "Sharing"],
  any: ["全部", "Any"],
  resourceCode: ["资源代码", "Resource code"],
  resourceName: ["资源名称", "Resource name"],
  provider: ["提供方", "Provider"],
  updateCycle: ["更新周期", "Update cycle"],
  items: ["信息项", "Items"],
  version: ["版本", "Version"],
  published: ["已发布", "published"],
  withdrawn: ["已撤销", "withdrawn"],
  // share requests
  role: ["我的角色", "My role"],
  asProvider: ["作为提供方 (待我审批)", "As provider (to approve)"],
  asRequester: ["作为申请方", "As requester"],
  allRequests: ["全部 (运营方)", "All (operator)"],
  requester: ["申请方", "Requester"],
  purpose: ["用途", "Purpose"],
  deadline: ["答复期限 (10 个工作日)", "Answer deadline (10 working days)"],
  approve: ["批准", "Approve"],
  reject: ["拒绝", "Reject"],
  rejectReason: ["拒绝理由 (须写明依据)", "Reason for refusal (cite the basis)"],
  confirmReject: ["确认拒绝", "Confirm refusal"],
  cancel: ["取消", "Cancel"],
  overdue: ["已超期", "overdue"],
  daysLeft: ["剩余", "left"],
  estimated: ["(按周一至周五推算)", "(Mon–Fri assumed)"],
  pending: ["待审批", "pending"],
  approved: ["已批准", "approved"],
  refused: ["已拒绝", "refused"],
  revoked: ["已撤回", "revoked"],
  expired: ["已过期", "expired"],
  decided: ["已答复", "Decided"],
  // registry
  members: ["成员单位", "Members"],
  memberCode: ["统一社会信用代码", "USCC"],
  name: ["名称", "Name"],
  memberClass: ["类别", "Class"],
  division: ["行政区划", "Division"],
  systems: ["信息系统", "Systems"],
  keys: ["签名公钥", "Signature keys"],
  algorithm: ["算法", "Algorithm"],
  notAfter: ["有效期至", "Valid until"],
  keyActive: ["有效", "active"],
  keyRevoked: ["已吊销", "revoked"],
  path: ["服务路径", "Service path"],
  select: ["查看", "View"],
  // audit
  auditIntro: [
    "包含证明在浏览器中用 Web Crypto 验证, 不信任节点: 由条目内容重算叶哈希 (RFC 9162 §2.1.1), 沿证明算出根哈希, 与签名检查点中的根比对, 并用您提供的审计日志公钥验证检查点签名。",
    "Inclusion proofs are verified in this browser with Web Crypto, trusting nothing the node says: the leaf hash is recomputed from the entry (RFC 9162 §2.1.1), the proof folded to a root, compared with the signed checkpoint's root, and the checkpoint's signature checked with the audit log key you give.",
  ],
  vkey: [
    "审计日志验证公钥 (govex start 数据目录 keys/audit.vkey)",
    "Audit log verifier key (keys/audit.vkey in the govex start data directory)",
  ],
  vkeyInvalid: [
    "验证公钥格式不对 (应为 名称+哈希+公钥)。",
    "The verifier key is malformed (name+hash+key).",
  ],
  time: ["时间", "Time"],
  operation: ["操作", "Operation"],
  caller: ["调用方", "Caller"],
  leaf: ["序号", "Leaf"],
  verify: ["验证", "Verify"],
  verified: ["已验证", "Verified"],
  failed: ["验证失败", "Verification failed"],
  leaf_hash: ["叶哈希", "leaf hash"],
  proof: ["证明路径", "proof path"],
  root: ["根哈希与检查点一致", "root matches checkpoint"],
  checkpoint_signature: ["检查点签名", "checkpoint signature"],
  checkpoint_signature_unchecked: [
    "检查点签名未验证 (未提供公钥)",
    "checkpoint signature not checked (no key given)",
  ],
  checkpoint: ["检查点", "Checkpoint"],
  treeSize: ["树大小", "tree size"],
  // census
  censusIntro: [
    "依据国办发〔2017〕39号, 从普查记录、目录和审计日志找出僵尸系统和影子系统, 每项附规则、证据和置信度。",
    "Following 国办发〔2017〕39号: zombie and shadow systems found from the census records, the catalog and the audit log, each with its rule, evidence and confidence.",
  ],
  zombies: ["僵尸系统", "Zombie systems"],
  shadows: ["影子系统", "Shadow systems"],
  systemsCount: ["系统数", "Systems"],
  integrationGroups: ["整合组", "Integration groups"],
  oneSource: ["一数一源问题", "One-source violations"],
  system: ["系统", "System"],
  department: ["部门", "Department"],
  action: ["建议", "Action"],
  confidence: ["置信度", "Confidence"],
  evidence: ["规则与证据", "Rules and evidence"],
  related: ["相关系统", "Related systems"],
  integrationPlan: ["整合建议", "Integration plan"],
  keep: ["保留", "Keep"],
  merge: ["并入", "Merge"],
  notes: ["说明", "Notes"],
  // evaluation
  evaluationIntro: [
    "按部门和全平台评价共享工作: 目录完整性、共享比例、申请答复及时性、数据更新及时性、数据质量和使用情况, 每个指标给出公式。",
    "Sharing evaluated per department and for the whole exchange: catalog completeness, share ratio, answer timeliness, freshness, quality and usage, each indicator with its formula.",
  ],
  exchangeScore: ["全平台得分", "Exchange score"],
  departmentScores: ["各部门得分", "Scores by department"],
  indicatorScores: ["全平台各指标得分", "Exchange-wide score per indicator"],
  indicator: ["指标", "Indicator"],
  formula: ["公式", "Formula"],
  score: ["得分", "Score"],
  own: ["自定指标", "own indicator"],
  unavailable: ["无数据", "no data"],
  // dead letters
  deadIntro: [
    "多次投递失败的事件。修复订阅方后可重放, 重放也是签名并审计的调用。",
    "Events whose delivery failed repeatedly. Replay them once the subscriber is fixed; a replay is a signed, audited call too.",
  ],
  subscription: ["订阅", "Subscription"],
  event: ["事件", "Event"],
  attempts: ["尝试次数", "Attempts"],
  lastError: ["最后错误", "Last error"],
  replay: ["重放", "Replay"],
  replayed: ["已重新排队", "Queued again"],
} as const;

export type TextKey = keyof typeof TEXTS;

export function t(key: TextKey): string {
  const text = TEXTS[key];
  return lang.value === "en" ? text[1] : text[0];
}

/** A LocalizedText of the spec ({ zh, en }) in the current language. */
export function local(text: { zh: string; en: string } | undefined): string {
  if (!text) return "";
  return lang.value === "en" ? text.en : text.zh;
}

export function isTextKey(key: string): key is TextKey {
  return Object.hasOwn(TEXTS, key);
}

/** A date-time for people: local time, minutes. */
export function formatTime(value: string | undefined): string {
  if (!value) return "";
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return date.toLocaleString(lang.value === "en" ? "en-GB" : "zh-CN", {
    dateStyle: "short",
    timeStyle: "short",
  });
}
