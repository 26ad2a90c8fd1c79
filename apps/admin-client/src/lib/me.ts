import { createContext, useContext } from 'react';
import type { User } from '../trpc.js';

/** The signed-in user, provided by the app shell once `auth.me` answered. */
export const MeContext = createContext<User | null>(null);

export function useMe(): User {
  const me = useContext(MeContext);
  if (!me) throw new Error('useMe() outside the signed-in app shell');
  return me;
}
