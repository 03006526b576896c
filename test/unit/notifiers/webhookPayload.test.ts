import { renderWebhook } from '../../../alerts/notifiers/webhook';
import { expectedPayload } from './expectedPayload';
import { T0, alertNotification, digest, logAlert } from './sampleNotifications';

describe('renderWebhook', () => {
  it('renders an alert notification as the documented version 1 body', () => {
    const body = renderWebhook(
      alertNotification([logAlert(), logAlert({ key: 'k2', resolvedAt: T0 + 1 })], { count: 5 }),
    );
    expect(body).toEqual(expectedPayload('webhook-alerts', body));
  });

  it('renders a digest as the documented version 1 body', () => {
    const body = renderWebhook(digest());
    expect(body).toEqual(expectedPayload('webhook-digest', body));
  });

  it('survives a JSON round trip unchanged (no undefined, no Date objects)', () => {
    const body = renderWebhook(alertNotification([logAlert({ value: undefined, lines: undefined })]));
    expect(JSON.parse(JSON.stringify(body))).toEqual(body);
  });
});
