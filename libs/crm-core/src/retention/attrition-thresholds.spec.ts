import { readAttritionThresholds } from './attrition-thresholds';
import { DEFAULT_ATTRITION_THRESHOLDS } from './attrition.rules';

describe('readAttritionThresholds', () => {
  it("takes the contract's defaults when unset", () => {
    const problems: string[] = [];
    expect(readAttritionThresholds(undefined, problems)).toBe(DEFAULT_ATTRITION_THRESHOLDS);
    expect(problems).toEqual([]);
  });

  it('changes only the thresholds named', () => {
    const problems: string[] = [];
    const thresholds = readAttritionThresholds('{"silence": {"minDays": 45}}', problems);
    expect(thresholds.silence).toEqual({ ...DEFAULT_ATTRITION_THRESHOLDS.silence, minDays: 45 });
    expect(thresholds.complaints).toEqual(DEFAULT_ATTRITION_THRESHOLDS.complaints);
    expect(problems).toEqual([]);
  });

  it('reports every problem by its path', () => {
    const problems: string[] = [];
    readAttritionThresholds('{"loudness": {}, "silence": {"minDays": -1, "hours": 3}}', problems);
    expect(problems).toEqual([
      'RETENTION_THRESHOLDS.loudness is not a sign; use contactFrequency, complaints, enquiries, silence, businessVolume, activeBuyers',
      'RETENTION_THRESHOLDS.silence.minDays must be a number ≥ 0',
      'RETENTION_THRESHOLDS.silence.hours is not a threshold; use minDays, usualGapMultiple, minInteractions',
    ]);
  });

  it('refuses what is not JSON', () => {
    const problems: string[] = [];
    readAttritionThresholds('silence=45', problems);
    expect(problems).toEqual(['RETENTION_THRESHOLDS must be JSON, e.g. {"silence": {"minDays": 45}}']);
  });
});
