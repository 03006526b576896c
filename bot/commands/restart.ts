import { containerAction } from './containerAction';

/** `restart <container>` (asks for a confirmation). */
export const restartCommand = containerAction(
  'restart',
  'restart a container (asks for a confirmation)',
  'Restarted',
  true,
);
