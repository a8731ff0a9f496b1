import type { MessageTable } from "./types.js";

/** English messages: what is wrong, then what to do. */
export const en: MessageTable = {
  invalid_type: (p) => `wrong type: expected a ${p.expected}. Check the value.`,
  invalid_length: (p) =>
    `wrong length: ${p.actual} characters, expected ${p.expected}. Look for a missing or extra character.`,
  invalid_character: (p) =>
    `character "${p.character}" at position ${p.position} is not allowed. Check that position.`,
  surrounding_whitespace: () => "the value has spaces before or after it: remove them.",
  full_width_characters: (p) =>
    `full-width characters from position ${p.position}: write them half-width.`,
  lowercase_letters: (p) =>
    `lowercase letter at position ${p.position}: write letters in upper case.`,
  invalid_check_character: (p) =>
    `check character is ${p.actual}, expected ${p.expected}: check character ${p.position} and the ones before it.`,
  legacy_id_not_allowed: () =>
    "this is a legacy 15-digit number; only 18-digit resident IDs are accepted here. Convert it (insert 19 before the year and add the check character).",
  invalid_birth_date: (p) => `birth date ${p.value} is not a real date: check characters 7–14.`,
  birth_date_in_future: (p) => `birth date ${p.value} is in the future: check characters 7–14.`,
  unknown_division_code: (p) =>
    `division code ${p.code} is not in GB/T 2260 (historical codes included): check it; statistical area codes are not GB/T 2260 codes.`,
  division_not_in_force: (p) =>
    `division code ${p.code} was not in force in ${p.year} (in force ${p.to === undefined ? `from ${p.from} on` : `${p.from}–${p.to}`}): use the code in force then.`,
  unknown_registration_authority: (p) =>
    `registration authority ${p.code} is not in GB 32100-2015: check character 1.`,
  unknown_entity_type: (p) =>
    `entity type ${p.code} is not in GB 32100-2015: check characters 1–2.`,
  invalid_embedded_org_code: (p) =>
    `the organization code ${p.orgCode} in characters 9–17 fails its check${p.expected ? ` (check character should be ${p.expected})` : ""}: check characters 9–17.`,
  mobile_country_prefix: (p) =>
    `the mobile number has a country prefix: write the 11 digits ${p.national} only.`,
  mobile_separators: (p) =>
    `the mobile number has spaces or hyphens: write the 11 digits ${p.national} without them.`,
  org_code_hyphen: (p) =>
    `the organization code is in its written form with a hyphen: exchange it as ${p.value}, without the hyphen.`,
  invalid_format: (p) => `the value does not match the format ${p.format}: check it.`,
  invalid_mobile: (p) =>
    `"${p.value}" is not a mobile number: 11 digits starting with 1 and then 3–9. Check it.`,
  invalid_date: (p) => `"${p.value}" is not a date: write a real date as YYYY-MM-DD.`,
  invalid_date_time: (p) =>
    `"${p.value}" is not a date-time: use RFC 3339, e.g. 2024-05-01T08:30:00+08:00.`,
  invalid_email: (p) => `"${p.value}" is not an email address: check it.`,
  invalid_uri: (p) => `"${p.value}" is not an absolute URI (such as https://…): check it.`,
  resident_id_birth_date_mismatch: (p) =>
    `birth date ${p.actual} disagrees with ${p.expected} in the resident ID: correct the birth date or the ID.`,
  resident_id_sex_mismatch: (p) =>
    `sex code ${p.actual} disagrees with ${p.expected} from the resident ID's sequence number (odd male, even female): correct the sex or the ID.`,
  address_division_mismatch: (p) =>
    `${p.field} "${p.actual}" disagrees with "${p.expected}" of division code ${p.code}: correct the name or the code.`,
  uscc_org_code_mismatch: (p) =>
    `organization code ${p.actual} disagrees with ${p.expected} in USCC characters 9–17: correct one of them.`,
  uscc_registration_authority_mismatch: (p) =>
    `registration authority ${p.actual} disagrees with USCC character 1 (${p.expected}): correct one of them.`,
  uscc_entity_type_mismatch: (p) =>
    `entity type ${p.actual} disagrees with USCC characters 1–2 (${p.expected}): correct one of them.`,
  rule_failed: (p) => `rule ${p.rule} could not run: ${p.reason}. Please report this.`,
};
