import { ActionIcon, CopyButton, TextInput, Tooltip } from '@mantine/core';

/** A read-only value (a link, a token) with a button that copies it. */
export function CopyField(props: { label: string; value: string; description?: string }) {
  return (
    <TextInput
      label={props.label}
      description={props.description}
      value={props.value}
      readOnly
      onFocus={(event) => event.currentTarget.select()}
      rightSectionWidth={72}
      rightSection={
        <CopyButton value={props.value}>
          {({ copied, copy }) => (
            <Tooltip label={copied ? 'Copied' : 'Copy'} withArrow>
              <ActionIcon
                variant="light"
                w={60}
                onClick={copy}
                aria-label={`Copy ${props.label.toLowerCase()}`}
                color={copied ? 'teal' : undefined}
              >
                {copied ? 'Copied' : 'Copy'}
              </ActionIcon>
            </Tooltip>
          )}
        </CopyButton>
      }
    />
  );
}
