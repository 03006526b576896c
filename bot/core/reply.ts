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

/** New lines of a live reply taken by an adapter, and how many older ones were skipped (the chat was slower). */
export type LiveBatch = { lines: string[]; skipped: number };

/**
 * A part of a reply that keeps coming after it (a followed log): the adapter shows the reply with the Stop button,
 * then pulls lines at its platform's pace (`ready`, then `take` what fits one message) until `finished`, then shows
 * `summary()`: why it stopped and how many lines were shown. Lines wait in a bounded buffer in between (bot/live/).
 */
export interface ReplyLive {
  /** Pressed through the core (`stop:<id>`), which checks who presses it. */
  readonly stopButton?: ReplyButton;
  /** Resolves once lines are waiting or the stream has ended. */
  ready(): Promise<void>;
  /** The newest waiting lines whose costs fit `budget`; older waiting ones count as skipped. */
  take(budget: number, cost: (line: string) => number): LiveBatch;
  /** The stream ended and every line was taken. */
  readonly finished: boolean;
  /** The final state (why it stopped, lines shown and skipped); meaningful once finished. */
  summary(): Reply;
  /** Ends it because the adapter cannot show it (e.g. it may not post in the channel); `why` is the final reason. */
  abandon(why: string): void;
}

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
  /** Lines that keep coming after this reply (`logs --follow`); adapters without it show only the reply. */
  live?: ReplyLive;
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
