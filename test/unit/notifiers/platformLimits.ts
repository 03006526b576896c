import type { DiscordPayload } from '../../../alerts/notifiers/discordPayload';
import { DISCORD_LIMITS, embedSize } from '../../../alerts/notifiers/discordPayload';
import type { SlackPayload, SlackText } from '../../../alerts/notifiers/slackPayload';
import { SLACK_LIMITS } from '../../../alerts/notifiers/slackPayload';

/** Every way a Discord webhook message breaks Discord's documented limits (empty when it fits). */
export function discordViolations(payload: DiscordPayload): string[] {
  const problems: string[] = [];
  const check = (what: string, length: number, max: number): void => {
    if (length > max) problems.push(`${what} is ${length} > ${max}`);
  };
  check('content', payload.content?.length ?? 0, DISCORD_LIMITS.content);
  check('embeds', payload.embeds.length, DISCORD_LIMITS.embeds);
  if (payload.embeds.length === 0 && !payload.content) problems.push('neither content nor embeds');
  payload.embeds.forEach((embed, i) => {
    check(`embeds[${i}].title`, embed.title.length, DISCORD_LIMITS.title);
    check(`embeds[${i}].description`, embed.description?.length ?? 0, DISCORD_LIMITS.description);
    check(`embeds[${i}].fields`, embed.fields.length, DISCORD_LIMITS.fields);
    check(`embeds[${i}].footer`, embed.footer.text.length, DISCORD_LIMITS.footer);
    embed.fields.forEach((field, j) => {
      check(`embeds[${i}].fields[${j}].name`, field.name.length, DISCORD_LIMITS.fieldName);
      check(`embeds[${i}].fields[${j}].value`, field.value.length, DISCORD_LIMITS.fieldValue);
      if (!field.name || !field.value) problems.push(`embeds[${i}].fields[${j}] has an empty name or value`);
    });
    if (embed.description !== undefined && fenceCount(embed.description) % 2 !== 0) {
      problems.push(`embeds[${i}].description has an unclosed code block`);
    }
  });
  check(
    'all embeds',
    payload.embeds.reduce((sum, e) => sum + embedSize(e), 0),
    DISCORD_LIMITS.total,
  );
  return problems;
}

/** Every way a Slack message breaks Block Kit's documented limits (empty when it fits). */
export function slackViolations(payload: SlackPayload): string[] {
  const problems: string[] = [];
  const check = (what: string, length: number, max: number): void => {
    if (length > max) problems.push(`${what} is ${length} > ${max}`);
  };
  const nonEmpty = (what: string, text: SlackText | undefined): void => {
    if (text && text.text.length === 0) problems.push(`${what} is empty`);
  };
  check('blocks', payload.blocks.length, SLACK_LIMITS.blocks);
  if (!payload.text) problems.push('no fallback text');
  payload.blocks.forEach((block, i) => {
    if (block.type === 'header') check(`blocks[${i}].text`, block.text.text.length, SLACK_LIMITS.headerText);
    if (block.type === 'section') {
      if (!block.text && !block.fields?.length) problems.push(`blocks[${i}] has neither text nor fields`);
      check(`blocks[${i}].text`, block.text?.text.length ?? 0, SLACK_LIMITS.sectionText);
      nonEmpty(`blocks[${i}].text`, block.text);
      if (block.text && fenceCount(block.text.text) % 2 !== 0) problems.push(`blocks[${i}] has an unclosed code block`);
      check(`blocks[${i}].fields`, block.fields?.length ?? 0, SLACK_LIMITS.sectionFields);
      block.fields?.forEach((field, j) =>
        check(`blocks[${i}].fields[${j}]`, field.text.length, SLACK_LIMITS.fieldText),
      );
    }
    if (block.type === 'context') check(`blocks[${i}].elements`, block.elements.length, SLACK_LIMITS.contextElements);
  });
  return problems;
}

/** How many ``` fences a text holds. */
export function fenceCount(text: string): number {
  return text.split('```').length - 1;
}
