/**
 * The most procedure calls one HTTP request may carry. A batch is one request but many calls; each
 * call that checks a password costs real scrypt work, so an unbounded batch would let one request
 * fill the hash queue. Hosts refuse larger batches before any call runs; the client splits its
 * batches to fit.
 */
export const MAX_BATCH_SIZE = 10;
