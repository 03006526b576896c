import { containerAction } from './containerAction';

/** `start <container>`. */
export const startCommand = containerAction('start', 'start a stopped container', 'Started', false);
