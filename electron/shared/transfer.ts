/** Bytes per upload piece (one binary frame: it fits MAX_REQUEST_BYTES in wire.ts). */
export const UPLOAD_PIECE = 256 * 1024;
/** How many upload pieces a client keeps unacknowledged at once. */
export const UPLOAD_WINDOW = 4;
/** Bytes per download piece: the engine's small reads are gathered into pieces of about this size. */
export const DOWNLOAD_PIECE = 256 * 1024;
