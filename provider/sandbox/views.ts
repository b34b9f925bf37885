/**
 * Records as the API shows them: `email.exchange.Account`, `email.exchange.ExchangeService`,
 * `email.exchange.Task`. Fields the sandbox does not model are given the neutral values of a
 * fresh mailbox, so that clients reading the whole object see the schema's shape.
 */
import type { ExchangeAccount, ExchangeService, ExchangeTask } from "./models.js";
import { primaryAddress, type AccountRecord, type ServiceRecord, type TaskRecord } from "./state.js";
import type { AnswerModes } from "./types.js";

/** `idleTaskPendingId`: what `taskPendingId` reads when no task is pending (0 or null, AnswerModes). */
export function accountView(account: AccountRecord, idleTaskPendingId: 0 | null): ExchangeAccount {
  return {
    primaryEmailAddress: primaryAddress(account),
    login: account.login,
    domain: account.domain,
    displayName: account.displayName,
    firstName: account.firstName,
    lastName: account.lastName,
    accountLicense: account.accountLicense,
    renewPeriod: account.renewPeriod,
    deleteAtExpiration: account.deleteAtExpiration,
    expirationDate: account.expirationDate,
    creationDate: account.creationDate,
    configured: account.configured,
    state: account.state,
    taskPendingId: account.taskPendingId ?? idleTaskPendingId,
    quota: account.quota,
    currentUsage: account.currentUsage,
    id: account.id,
    SAMAccountName: null,
    company: null,
    hiddenFromGAL: false,
    litigation: false,
    outlookLicense: false,
    spamDetected: false,
    numberOfAliases: 0,
  };
}

export function serviceView(service: ServiceRecord): ExchangeService {
  return {
    domain: service.domain,
    displayName: service.displayName,
    offer: service.offer,
    state: service.state,
    // The schema says `canBeNull: false`: no pending task reads as 0.
    taskPendingId: 0,
    hostname: null,
    webUrl: null,
    sslExpirationDate: null,
    lastUpdateDate: service.creationDate,
    maxSendSize: 100,
    maxReceiveSize: 100,
    complexityEnabled: true,
  };
}

export function taskView(task: TaskRecord): ExchangeTask {
  return {
    id: task.id,
    function: task.function,
    status: task.status,
    todoDate: task.todoDate,
    finishDate: task.finishDate,
  };
}

/** The account view under the answer modes of a request. */
export function accountViewFor(modes: AnswerModes): (account: AccountRecord) => ExchangeAccount {
  return (account) => accountView(account, modes.idleTaskPendingId);
}
