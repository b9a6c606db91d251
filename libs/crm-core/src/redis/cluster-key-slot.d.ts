/** The package ships no types; ioredis uses the same function to route commands. */
declare module 'cluster-key-slot' {
  function calculateSlot(key: string | Buffer): number;
  export = calculateSlot;
}
