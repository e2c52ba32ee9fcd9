// <tiercart-program-list>: the reward program the storefront and checkout use, and where it
// comes from: a version saved in tiercart (active first), or, with none active, the bars the
// merchant set in the theme editor.
import { h } from '../tiercart-util.js';
import { formatDate } from './dates.js';

export class TiercartProgramList extends HTMLElement {
  render(programs, t) {
    const list = [...(Array.isArray(programs) ? programs : [])].sort((a, b) => Number(b.active) - Number(a.active));
    const active = list.some((p) => p.active);
    // replaceChildren writes a null as the text "null": what is not shown is left out first.
    const parts = [
      h('h2', { id: 'programs-heading' }, t('programs_heading')),
      h('p', { class: 'help' }, t(active ? 'programs_active_help' : 'programs_none_help')),
      list.length
        ? h(
            'ul',
            { class: 'programs', role: 'list' },
            ...list.map((program) =>
              h(
                'li',
                { class: 'program', 'data-active': String(Boolean(program.active)) },
                h('span', { class: 'program__id' }, String(program.id)),
                h(
                  'span',
                  { class: 'program__meta' },
                  t('program_version', { version: program.version }),
                  ', ',
                  t('program_saved', { date: formatDate(program.created_at) }),
                ),
                h(
                  'span',
                  { class: `badge badge--${program.active ? 'success' : 'neutral'}` },
                  t(program.active ? 'program_active' : 'program_inactive'),
                ),
              ),
            ),
          )
        : null,
    ];
    this.replaceChildren(...parts.filter(Boolean));
  }
}

customElements.define('tiercart-program-list', TiercartProgramList);
