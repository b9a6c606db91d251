// The bench's progress lines, on stderr so that stdout holds only the report.
export const log = (...x) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...x);
