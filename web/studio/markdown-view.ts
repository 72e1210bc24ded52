// Renders a study's summary markdown (summary.md) as DOM: headings, pipe tables,
// bullet lists, paragraphs, **bold** and `code`. Text only through textContent.

function inline(text: string, into: HTMLElement): void {
  for (const part of text.split(/(\*\*[^*]+\*\*|`[^`]+`)/)) {
    if (part.startsWith('**') && part.endsWith('**') && part.length > 4) into.append(element('strong', part.slice(2, -2)));
    else if (part.startsWith('`') && part.endsWith('`') && part.length > 2) into.append(element('code', part.slice(1, -1)));
    else if (part) into.append(part);
  }
}

function element(tag: string, text = ''): HTMLElement {
  const el = document.createElement(tag);
  if (text) inline(text, el);
  return el;
}

const cells = (line: string) => line.trim().replace(/^\||\|$/g, '').split('|').map((c) => c.trim());

export function renderMarkdown(markdown: string): DocumentFragment {
  const out = document.createDocumentFragment();
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; ) {
    const line = lines[i];
    const heading = /^(#{1,4})\s+(.*)/.exec(line);
    if (heading) {
      out.append(element(`h${Math.min(6, heading[1].length + 2)}`, heading[2]));
      i++;
    } else if (line.trim().startsWith('|')) {
      const table = document.createElement('table');
      const head = cells(line);
      const tr = table.createTHead().insertRow();
      head.forEach((c) => tr.append(element('th', c)));
      const body = table.createTBody();
      for (i += 2; i < lines.length && lines[i].trim().startsWith('|'); i++) {
        const row = body.insertRow();
        cells(lines[i]).forEach((c) => row.append(element('td', c)));
      }
      const wrap = document.createElement('div');
      wrap.className = 'table-wrap';
      wrap.append(table);
      out.append(wrap);
    } else if (line.startsWith('- ')) {
      const list = document.createElement('ul');
      for (; i < lines.length && lines[i].startsWith('- '); i++) list.append(element('li', lines[i].slice(2)));
      out.append(list);
    } else if (line.trim()) {
      const paragraph: string[] = [];
      for (; i < lines.length && lines[i].trim() && !/^(#|\||- )/.test(lines[i].trim()); i++) paragraph.push(lines[i]);
      out.append(element('p', paragraph.join(' ')));
    } else {
      i++;
    }
  }
  return out;
}
