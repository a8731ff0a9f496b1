import type { MessageTable } from "./types.js";

/** zh-CN messages: what is wrong, then what to do. */
export const zhCN: MessageTable = {
  invalid_type: (p) =>
    `类型错误：应为${p.expected === "string" ? "字符串" : p.expected}。请检查该值。`,
  invalid_length: (p) =>
    `长度错误：应为 ${p.expected} 位，实为 ${p.actual} 位。请核对是否有遗漏或多余的字符。`,
  invalid_character: (p) => `第 ${p.position} 位字符「${p.character}」不合法。请核对该位。`,
  surrounding_whitespace: () => "值的前后有空白字符。请删除这些空白字符。",
  full_width_characters: (p) => `第 ${p.position} 位起有全角字符。请改为半角字符。`,
  lowercase_letters: (p) => `第 ${p.position} 位是小写字母。请改为大写字母。`,
  invalid_check_character: (p) =>
    `校验位错误：应为 ${p.expected}，实为 ${p.actual}。请核对第 ${p.position} 位及前面各位。`,
  legacy_id_not_allowed: () =>
    "这是 15 位旧号码，此处只接受 18 位公民身份号码。请换算为 18 位（在年份前加 19 并补校验位）。",
  invalid_birth_date: (p) => `出生日期 ${p.value} 不是真实的日期。请核对第 7—14 位。`,
  birth_date_in_future: (p) => `出生日期 ${p.value} 晚于今天。请核对第 7—14 位。`,
  unknown_division_code: (p) =>
    `行政区划代码 ${p.code} 不在 GB/T 2260 中（含历史代码）。请核对代码，注意统计用区划代码不是 GB/T 2260 代码。`,
  division_not_in_force: (p) =>
    `行政区划代码 ${p.code} 在 ${p.year} 年不在使用期内（${p.to === undefined ? `${p.from} 年起使用` : `${p.from}—${p.to} 年使用`}）。请使用当时有效的代码。`,
  unknown_registration_authority: (p) =>
    `登记管理部门代码 ${p.code} 不在 GB 32100-2015 中。请核对第 1 位。`,
  unknown_entity_type: (p) => `机构类别代码 ${p.code} 不在 GB 32100-2015 中。请核对第 1—2 位。`,
  invalid_embedded_org_code: (p) =>
    `第 9—17 位的组织机构代码 ${p.orgCode} 校验不通过${p.expected ? `（校验位应为 ${p.expected}）` : ""}。请核对第 9—17 位。`,
  mobile_country_prefix: (p) => `手机号码带有国家代码前缀。请只填 11 位号码 ${p.national}。`,
  mobile_separators: (p) =>
    `手机号码中有空格或连字符。请填写不带分隔符的 11 位号码 ${p.national}。`,
  org_code_hyphen: (p) => `组织机构代码是带连字符的书写形式。交换时请写作 ${p.value}，不带连字符。`,
  invalid_format: (p) => `值不符合格式 ${p.format}。请核对。`,
  invalid_mobile: (p) =>
    `「${p.value}」不是有效的手机号码：应为 1 开头、第 2 位为 3—9 的 11 位数字。请核对。`,
  invalid_date: (p) => `「${p.value}」不是有效日期：应为 YYYY-MM-DD 格式的真实日期。请核对。`,
  invalid_date_time: (p) =>
    `「${p.value}」不是有效的日期时间：应为 RFC 3339 格式，如 2024-05-01T08:30:00+08:00。请核对。`,
  invalid_email: (p) => `「${p.value}」不是有效的电子邮箱地址。请核对。`,
  invalid_uri: (p) => `「${p.value}」不是有效的绝对 URI(如 https://…)。请核对。`,
  resident_id_birth_date_mismatch: (p) =>
    `出生日期 ${p.actual} 与公民身份号码中的 ${p.expected} 不一致。请核对出生日期或身份号码。`,
  resident_id_sex_mismatch: (p) =>
    `性别代码 ${p.actual} 与公民身份号码顺序码推出的 ${p.expected} 不一致（奇数为男、偶数为女）。请核对性别或身份号码。`,
  address_division_mismatch: (p) =>
    `${p.field === "province" ? "省" : p.field === "city" ? "市" : "县(区)"}名称「${p.actual}」与行政区划代码 ${p.code} 对应的「${p.expected}」不一致。请核对名称或代码。`,
  uscc_org_code_mismatch: (p) =>
    `组织机构代码 ${p.actual} 与统一社会信用代码第 9—17 位 ${p.expected} 不一致。请核对。`,
  uscc_registration_authority_mismatch: (p) =>
    `登记管理部门 ${p.actual} 与统一社会信用代码第 1 位 ${p.expected} 不一致。请核对。`,
  uscc_entity_type_mismatch: (p) =>
    `机构类别 ${p.actual} 与统一社会信用代码第 1—2 位 ${p.expected} 不一致。请核对。`,
  rule_failed: (p) => `规则 ${p.rule} 无法执行：${p.reason}。请报告此问题。`,
};
