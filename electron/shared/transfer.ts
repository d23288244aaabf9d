/** Upload pieces are at most this many bytes before base64, so a message stays under the wire limit. */
export const UPLOAD_PIECE = 192 * 1024;
/** How many upload pieces a client keeps unacknowledged at once. */
export const UPLOAD_WINDOW = 4;
