/** How a command ended, which adapters show (colour, exit code) and the audit records. */
export type ReplyStatus = 'ok' | 'invalid' | 'denied' | 'failed' | 'confirm';

/** A name/value pair shown side by side (Discord embed field, Slack section field, `name: value` on the console). */
export type ReplyField = { name: string; value: string };

/** Rows under column headings. */
export type ReplyTable = { columns: string[]; rows: string[][] };

/** A button; `id` comes back to the core when pressed (e.g. `confirm:<id>`). */
export type ReplyButton = { id: string; label: string; style: 'primary' | 'danger' | 'secondary' };

/** Long text that chat platforms send as a file. */
export type ReplyAttachment = { name: string; content: string };

/** The platform-neutral reply of the command core; adapters only translate it. */
export type Reply = {
  status: ReplyStatus;
  title?: string;
  text?: string;
  fields?: ReplyField[];
  table?: ReplyTable;
  code?: { language?: string; text: string };
  attachments?: ReplyAttachment[];
  buttons?: ReplyButton[];
};

/** A reply saying the request was not understood (bad flag, unknown container, …). */
export function invalidReply(text: string): Reply {
  return { status: 'invalid', text };
}

/** A reply saying the request was refused. */
export function deniedReply(text: string): Reply {
  return { status: 'denied', title: 'Denied', text };
}

/** A reply saying the command ran and failed. */
export function failedReply(text: string): Reply {
  return { status: 'failed', title: 'Failed', text };
}
