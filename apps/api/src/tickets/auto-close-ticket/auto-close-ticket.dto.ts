/** Auto-closing takes no input: the agreement version says when it is due, and the domain checks it. */
export class AutoCloseTicketDto {}
