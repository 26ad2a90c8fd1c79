import { notifications } from '@mantine/notifications';
import { describeError } from '../errors.js';

export const notifySuccess = (message: string) => notifications.show({ color: 'teal', message });

export const notifyFailure = (error: unknown, title = 'That did not work') =>
  notifications.show({ color: 'red', title, message: describeError(error) });
