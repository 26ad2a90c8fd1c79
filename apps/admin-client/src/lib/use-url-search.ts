import { useDebouncedValue } from '@mantine/hooks';
import { useRouter } from '@tanstack/react-router';
import { useEffect, useState } from 'react';

/**
 * A search box whose text lands in the URL a moment after typing stops (so a list is shareable
 * and the back button works) without a request per keystroke.
 */
export function useUrlSearch(
  pathname: string,
  fromUrl: string | undefined,
  toUrl: (q: string | undefined) => void,
) {
  const router = useRouter();
  const [text, setText] = useState(fromUrl ?? '');
  const [debounced] = useDebouncedValue(text, 300);
  useEffect(() => {
    const next = debounced.trim() === '' ? undefined : debounced.trim();
    // Typed, then clicked away before the pause ended: the page being left must not pull the user back.
    if (router.state.location.pathname !== pathname) return;
    if (next !== fromUrl) toUrl(next);
    // Only a settled edit writes the URL; the URL changing (back button) is followed below.
  }, [debounced]);
  useEffect(() => {
    setText((current) => (current.trim() === (fromUrl ?? '') ? current : (fromUrl ?? '')));
  }, [fromUrl]);
  return [text, setText] as const;
}
