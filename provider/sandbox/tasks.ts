/**
 * Tasks (`email.exchange.Task`): writes that OVHcloud carries out asynchronously. A task is `todo`,
 * then `doing` after half its delay, then `done` (its effect applied) or `error` (nothing changes).
 * Tasks are settled lazily, when a request touches their service: with `taskDelayMs` 0 a task is
 * `done` on the next request after the one that created it.
 */
import { PLACEHOLDER_DOMAIN } from "./models.js";
import { placeholderLogin, removeAccount, renameAccount } from "./accounts.js";
import { parisDateTime } from "./dates.js";
import {
  nextId,
  primaryAddress,
  type AccountRecord,
  type ServiceRecord,
  type TaskEffect,
  type TaskFunction,
  type TaskRecord,
} from "./state.js";
import type { World } from "./world.js";

export function openTask(
  world: World,
  service: ServiceRecord,
  account: AccountRecord,
  fn: TaskFunction,
  effect: TaskEffect,
  fails: boolean,
): TaskRecord {
  const createdAtMs = world.realNow();
  const task: TaskRecord = {
    id: nextId(world.state, "task"),
    function: fn,
    status: "todo",
    todoDate: parisDateTime(world.now()),
    finishDate: null,
    accountId: account.id,
    address: primaryAddress(account),
    effect,
    createdAtMs,
    dueAtMs: createdAtMs + world.options.taskDelayMs,
    fails,
  };
  service.tasks.set(task.id, task);
  service.openTasks.add(task.id);
  account.taskPendingId = task.id;
  world.changed(service);
  return task;
}

/** Moves the open tasks of a service along the real clock, finishing those that are due. */
export function settleTasks(world: World, service: ServiceRecord): void {
  if (service.openTasks.size === 0) return;
  const realNow = world.realNow();
  for (const id of service.openTasks) {
    const task = service.tasks.get(id);
    if (!task) {
      service.openTasks.delete(id);
      continue;
    }
    if (task.dueAtMs === null) continue;
    if (realNow >= task.dueAtMs) {
      finishTask(world, service, task);
    } else if (
      task.status === "todo" &&
      (realNow - task.createdAtMs) * 2 >= task.dueAtMs - task.createdAtMs
    ) {
      task.status = "doing";
    }
  }
}

function finishTask(world: World, service: ServiceRecord, task: TaskRecord): void {
  task.status = task.fails ? "error" : "done";
  task.finishDate = parisDateTime(world.now());
  service.openTasks.delete(task.id);
  world.changed(service);
  const account = service.accounts.get(task.address);
  if (!account || account.id !== task.accountId) return;
  account.taskPendingId = null;
  if (task.fails) {
    undoStart(service, account, task.effect);
  } else {
    applyEffect(world, service, account, task.effect);
  }
}

/** Undoes what was shown while the task ran (an account being added or deleted). */
function undoStart(service: ServiceRecord, account: AccountRecord, effect: TaskEffect): void {
  if (effect === "add") removeAccount(service, account);
  if (effect === "delete") account.state = "ok";
}

function applyEffect(world: World, service: ServiceRecord, account: AccountRecord, effect: TaskEffect): void {
  switch (effect) {
    case "add":
    case "release":
      account.state = "ok";
      return;
    case "delete":
      removeAccount(service, account);
      return;
    case "reset":
      // H5: the mailbox is emptied and loses its address; the licence, the expiry and the billing stay.
      renameAccount(service, account, placeholderLogin(service, world.prng), PLACEHOLDER_DOMAIN);
      account.configured = false;
      account.displayName = null;
      account.firstName = null;
      account.lastName = null;
      account.currentUsage = 0;
      account.state = "ok";
      return;
  }
}

/** Task ids of one account, oldest first. */
export function tasksOf(service: ServiceRecord, account: AccountRecord): number[] {
  const ids: number[] = [];
  for (const task of service.tasks.values()) if (task.accountId === account.id) ids.push(task.id);
  return ids;
}
