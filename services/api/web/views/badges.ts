/** Small pieces shared by the views: severity and status badges, links to an alert. */
import { h } from '../dom.ts';
import { label } from '../format.ts';

export const severityBadge = (s: string): HTMLElement => h('span', { class: `sev sev-${s}` }, s);
export const statusBadge = (s: string): HTMLElement => h('span', { class: `status status-${s}` }, label(s));
export const alertHref = (id: string): string => `#/alert/${id}`;
