/** The process's general Redis client: producers and health checks. */
export const REDIS = Symbol('REDIS');

/** Where Redis is (one server or a cluster), for whoever opens a connection of its own. */
export const REDIS_TARGET = Symbol('REDIS_TARGET');

/** The connection the process's BullMQ queues and workers are given (BullModule.forRootAsync). */
export const BULLMQ_CONNECTION = Symbol('BULLMQ_CONNECTION');

/** The process's one record of Redis outages: every Redis connection reports to it. */
export const REDIS_OUTAGE = Symbol('REDIS_OUTAGE');
