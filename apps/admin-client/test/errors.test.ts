import { createGatehouseClient } from '@gatehouse/api';
import { describe, expect, it } from 'vitest';
import { describeError, domainCodeOf, serverFieldErrors } from '../src/errors.js';
import { fakeFetch, type Handlers, wireError } from './harness.js';

/** The error a real tRPC client raises for the fake server's answer. */
async function failure(
  handlers: Handlers,
  call: (client: ReturnType<typeof createGatehouseClient>) => Promise<unknown>,
) {
  const client = createGatehouseClient({
    url: 'http://gatehouse.test',
    fetch: fakeFetch(handlers, { calls: [] }),
  });
  return call(client).then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: unknown) => error,
  );
}

describe('error narrowing', () => {
  it('reads the typed domainCode and words LAST_ADMIN for a person', async () => {
    const error = await failure(
      { 'users.update': () => wireError(409, 'LAST_ADMIN', 'Gatehouse must keep at least one admin') },
      (client) => client.users.update.mutate({ id: 'usr_1', role: 'member' }),
    );
    expect(domainCodeOf(error)).toBe('LAST_ADMIN');
    expect(describeError(error)).toMatch(/last admin.*another user an admin first/i);
  });

  it('keeps the server message for codes without advice, and lists field errors', async () => {
    const weak = await failure(
      {
        'invites.accept': () =>
          wireError(400, 'WEAK_PASSWORD', 'Password is too common; choose a less guessable one'),
      },
      (client) => client.invites.accept.mutate({ token: 'ghi_x', password: 'password' }),
    );
    expect(domainCodeOf(weak)).toBe('WEAK_PASSWORD');
    expect(describeError(weak)).toBe('Password is too common; choose a less guessable one');

    const invalid = await failure(
      {
        'users.create': () =>
          wireError(400, 'INVALID_INPUT', 'Invalid input', { email: ['Enter a valid email address'] }),
      },
      (client) => client.users.create.mutate({ email: 'nope' }),
    );
    expect(serverFieldErrors(invalid)).toEqual({ email: 'Enter a valid email address' });
    expect(describeError(invalid)).toBe('email: Enter a valid email address');
  });

  it('treats anything that is not an API answer as a connection problem', () => {
    expect(domainCodeOf(new TypeError('Failed to fetch'))).toBeNull();
    expect(describeError(new TypeError('Failed to fetch'))).toMatch(/check your connection/i);
  });
});
