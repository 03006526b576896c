import { containerAction } from './containerAction';

/** `stop <container>` (asks for a confirmation). */
export const stopCommand = containerAction('stop', 'stop a container (asks for a confirmation)', 'Stopped', true);
