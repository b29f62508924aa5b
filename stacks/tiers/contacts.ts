/** Loose email shape: enough to tell an address from a team name in `estate:owner`. */
export const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
