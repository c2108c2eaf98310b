/**
 * The one error frame every kubelab WebSocket sends (terminal, live feedback, workshop
 * dashboard): what went wrong, and what to do about it when there is something to do.
 */
export interface ErrorFrame {
  type: 'error';
  message: string;
  hint?: string;
}
