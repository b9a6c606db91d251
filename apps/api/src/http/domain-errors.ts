import { BadRequestException, ConflictException, NotFoundException } from '@nestjs/common';
import { ReplyInvalidError, ReplyRefusedError } from '@omnihub/channels';
import {
  AccountNotFoundError,
  AgentEmailTakenError,
  AgentNotFoundError,
  AssigneeNotFoundError,
  ConversationNotFoundError,
  ConversationReopenConflictError,
  CustomerNotFoundError,
  IntentNotApplicableError,
  InteractionNotFoundError,
  InvalidCursorError,
  PartnerNotFoundError,
  SelfMergeError,
  TaskNotFoundError,
  TaskReferenceNotFoundError,
  UnknownAccountError,
} from '@omnihub/crm-core';

/** crm-core's named errors as the HTTP answers a client can act on. */
export function toHttpError(error: unknown): unknown {
  if (error instanceof CustomerNotFoundError || error instanceof ConversationNotFoundError) {
    return new NotFoundException(error.message);
  }
  if (
    error instanceof AgentNotFoundError ||
    error instanceof TaskNotFoundError ||
    error instanceof InteractionNotFoundError ||
    error instanceof AccountNotFoundError ||
    error instanceof PartnerNotFoundError
  )
    return new NotFoundException(error.message);
  if (
    error instanceof InvalidCursorError ||
    error instanceof SelfMergeError ||
    error instanceof AssigneeNotFoundError ||
    error instanceof UnknownAccountError ||
    error instanceof IntentNotApplicableError
  ) {
    return new BadRequestException(error.message);
  }
  if (error instanceof TaskReferenceNotFoundError) {
    return new BadRequestException({ statusCode: 400, message: error.message, errors: [{ path: error.field, message: error.message }] });
  }
  if (error instanceof AgentEmailTakenError || error instanceof ConversationReopenConflictError || error instanceof ReplyRefusedError) {
    return new ConflictException(error.message);
  }
  if (error instanceof ReplyInvalidError) {
    return new BadRequestException({ statusCode: 400, message: error.message, errors: [{ path: error.path, message: error.message }] });
  }
  return error;
}
