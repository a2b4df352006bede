// Evaluated in a notebook's page just before it is printed (Playwright's page.evaluate).
// Places empty anchors where the written questions and their figures start and end, and a
// hidden list of links to them: Chromium then writes a named destination (page and
// position) for each anchor into the PDF, which is how the export learns the page every
// question is really on. Cells in `fresh` start a new page, cells in `close` end one.
// marks = {starts: [[cellId, anchorId]], ends: [[cellId, anchorId]],
//          images: [[cellId, anchorPrefix]], fresh: [cellId], close: [cellId]}
// Returns {anchors: [anchorId, ...]}: every anchor placed (an image anchor is prefix-k).
(marks) => {
  const CONTAINERS = new Set(["DIV", "UL", "OL", "LI", "BLOCKQUOTE", "TABLE", "THEAD",
    "TBODY", "TR", "TD", "TH", "SECTION", "DETAILS", "DL", "DD", "FIGURE"]);
  const VOID = new Set(["IMG", "svg", "HR", "BR", "INPUT", "CANVAS", "VIDEO"]);
  const cellOf = (id) => document.getElementById("cell-id=" + id);
  const isMath = (el) => typeof el.className === "string" && /MathJax/.test(el.className);
  const anchor = (id) => {
    const span = document.createElement("span");
    span.id = id;
    span.className = "nndl-anchor";
    return span;
  };
  const placed = [];
  const descend = (el, next) => {
    while (el && CONTAINERS.has(el.tagName) && !isMath(el) && next(el)) el = next(el);
    return el;
  };
  const put = (el, id, atEnd) => {
    if (VOID.has(el.tagName) || isMath(el)) {
      if (atEnd) el.after(anchor(id)); else el.before(anchor(id));
    } else if (atEnd) {
      el.append(anchor(id));
    } else {
      el.prepend(anchor(id));
    }
    placed.push(id);
  };
  for (const [cellId, id] of marks.starts || []) {
    const cell = cellOf(cellId);
    if (!cell) continue;
    const content = cell.querySelector(
      ".jp-RenderedMarkdown, .jp-InputArea-editor, .jp-OutputArea-output") || cell;
    put(descend(content, (el) => el.firstElementChild), id, false);
  }
  for (const [cellId, id] of marks.ends || []) {
    const cell = cellOf(cellId);
    if (cell) put(descend(cell, (el) => el.lastElementChild) || cell, id, true);
  }
  for (const [cellId, prefix] of marks.images || []) {
    const cell = cellOf(cellId);
    if (!cell) continue;
    cell.querySelectorAll(".jp-OutputArea-output img, .jp-OutputArea-output svg")
      .forEach((image, k) => {
        image.id = `${prefix}-${k}`;
        placed.push(image.id);
      });
  }
  for (const cellId of marks.fresh || []) {
    const cell = cellOf(cellId);
    if (cell) cell.classList.add("nndl-fresh-page");
  }
  for (const cellId of marks.close || []) {
    const cell = cellOf(cellId);
    if (cell) cell.classList.add("nndl-page-end");
  }
  const nav = document.createElement("nav");
  nav.style.display = "none";
  for (const id of placed) {
    const link = document.createElement("a");
    link.href = "#" + id;
    nav.append(link);
  }
  document.body.append(nav);
  return {anchors: placed};
}
