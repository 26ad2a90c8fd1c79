import { Alert, Button, CopyButton, Group, List, Stack, Text } from '@mantine/core';

const fileText = (codes: string[]) =>
  [
    'Gatehouse recovery codes',
    `Made ${new Date().toISOString()} for ${window.location.host}. Each code works once.`,
    '',
    ...codes,
    '',
  ].join('\n');

/** Saves the codes as a .txt file. */
function download(codes: string[]) {
  const url = URL.createObjectURL(new Blob([fileText(codes)], { type: 'text/plain' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = 'gatehouse-recovery-codes.txt';
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** A new set of recovery codes, shown this once: copy, download, then dismiss. */
export function RecoveryCodesPanel(props: { codes: string[]; onDone: () => void }) {
  return (
    <Alert color="orange" title="Save your recovery codes now" role="region">
      <Stack gap="sm">
        <Text size="sm">
          Each code signs you in once if you lose your authenticator app or passkey. They are shown only now:
          keep them somewhere safe (a password manager, a printed copy).
        </Text>
        <List
          spacing={2}
          listStyleType="none"
          ff="monospace"
          aria-label="Recovery codes to save"
          style={{ columns: 2 }}
        >
          {props.codes.map((code) => (
            <List.Item key={code}>{code}</List.Item>
          ))}
        </List>
        <Group>
          <CopyButton value={props.codes.join('\n')}>
            {({ copied, copy }) => (
              <Button variant="default" size="xs" onClick={copy}>
                {copied ? 'Copied' : 'Copy codes'}
              </Button>
            )}
          </CopyButton>
          <Button variant="default" size="xs" onClick={() => download(props.codes)}>
            Download .txt
          </Button>
          <Button size="xs" onClick={props.onDone}>
            I have saved them
          </Button>
        </Group>
      </Stack>
    </Alert>
  );
}
