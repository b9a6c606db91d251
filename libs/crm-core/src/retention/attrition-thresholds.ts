import { DEFAULT_ATTRITION_THRESHOLDS, type AttritionThresholds } from './attrition.rules';

/**
 * The attrition thresholds from `RETENTION_THRESHOLDS`: JSON naming only what differs from the
 * contract's defaults, e.g. `{"silence": {"minDays": 45}, "complaints": {"min30d": 5}}`. Every
 * problem is reported, by its path.
 */
export function readAttritionThresholds(raw: string | undefined, problems: string[], name = 'RETENTION_THRESHOLDS'): AttritionThresholds {
  if (!raw) return DEFAULT_ATTRITION_THRESHOLDS;
  let given: unknown;
  try {
    given = JSON.parse(raw);
  } catch {
    problems.push(`${name} must be JSON, e.g. {"silence": {"minDays": 45}}`);
    return DEFAULT_ATTRITION_THRESHOLDS;
  }
  if (!isObject(given)) {
    problems.push(`${name} must be a JSON object`);
    return DEFAULT_ATTRITION_THRESHOLDS;
  }
  const result: Record<string, Record<string, number>> = {};
  for (const [sign, defaults] of Object.entries(DEFAULT_ATTRITION_THRESHOLDS)) result[sign] = { ...defaults };
  for (const [sign, values] of Object.entries(given)) {
    if (!Object.hasOwn(result, sign)) {
      problems.push(`${name}.${sign} is not a sign; use ${Object.keys(result).join(', ')}`);
      continue;
    }
    if (!isObject(values)) {
      problems.push(`${name}.${sign} must be an object`);
      continue;
    }
    for (const [key, value] of Object.entries(values)) {
      if (!Object.hasOwn(result[sign], key))
        problems.push(`${name}.${sign}.${key} is not a threshold; use ${Object.keys(result[sign]).join(', ')}`);
      else if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
        problems.push(`${name}.${sign}.${key} must be a number ≥ 0`);
      else result[sign][key] = value;
    }
  }
  return result as AttritionThresholds;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
