import type { StateValue } from 'xstate';
import type { Auth } from 'idpool';
import { humanStateName } from './state-names';

interface ChartNode {
  key: string;
  states: Record<string, ChartNode>;
}

/** Dotted paths of every active state: `{ federated: 'idle' }` → `federated`, `federated.idle`. */
function activePaths(value: StateValue, prefix = ''): string[] {
  if (typeof value === 'string') return [`${prefix}${value}`];
  return Object.entries(value).flatMap(([key, child]) => [`${prefix}${key}`, ...(child ? activePaths(child, `${prefix}${key}.`) : [])]);
}

function renderNode(node: ChartNode, path: string): HTMLLIElement {
  const item = document.createElement('li');
  item.dataset.state = path;
  // The person's name first, the machine's own beside it.
  const human = document.createElement('span');
  human.className = 'human';
  human.textContent = humanStateName(node.key, path.includes('.'));
  const name = document.createElement('code');
  name.textContent = node.key;
  item.append(human, ' ', name);
  const children = Object.values(node.states);
  if (children.length > 0) {
    const list = document.createElement('ul');
    list.append(...children.map((child) => renderNode(child, `${path}.${child.key}`)));
    item.append(list);
  }
  return item;
}

/**
 * Draws the running machine's states (read from `auth.actor.logic.root`), each with a name a person
 * reads and the machine's own, and marks the active ones with the `active` class on every snapshot.
 */
export function mountStateChart(container: HTMLElement, auth: Auth): void {
  const root = auth.actor.logic.root as unknown as ChartNode;
  const list = document.createElement('ul');
  list.className = 'chart';
  list.append(...Object.values(root.states).map((node) => renderNode(node, node.key)));
  container.append(list);
  const items = [...list.querySelectorAll<HTMLLIElement>('li[data-state]')];
  auth.actor.subscribe((snapshot) => {
    const active = new Set(activePaths(snapshot.value));
    for (const item of items) item.classList.toggle('active', active.has(item.dataset.state ?? ''));
  });
}
