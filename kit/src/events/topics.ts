/** Events a consumer could not handle, with the reason and origin in headers: the kit's own topic. */
export const DEAD_LETTER_TOPIC = 'dead-letter.events';
