/**
 * Text order for sorting names, ids and types: by code point. `localeCompare` would start ICU's
 * collator, which costs a cold command tens of milliseconds (bench/policy), for names that are
 * ASCII anyway.
 */
export const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
