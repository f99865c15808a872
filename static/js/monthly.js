// The monthly screen (templates/participants/monthly.html): search and jorong filter only hide rows, so
// a ticked box stays ticked (and posted) whatever is shown; "Centang semua" ticks only what is shown;
// the sticky save bar counts every tick. Ticks are kept in sessionStorage for the village and month,
// so opening a participant and coming back loses none; sending the form clears them.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form.js-monthly");
  if (!form) {
    return;
  }
  const search = form.querySelector("#monthly-search");
  const jorong = form.querySelector("#monthly-jorong");
  const tickAll = form.querySelector(".js-tick-all");
  const rows = Array.from(form.querySelectorAll(".js-row"));
  const heads = Array.from(form.querySelectorAll(".js-jorong-head"));
  const boxes = Array.from(form.querySelectorAll("input.js-tick"));
  const storageKey = form.dataset.storageKey;
  const store = (() => {
    try { return window.sessionStorage; } catch (error) { return null; }
  })();

  const shownBoxes = () => boxes.filter((box) => !box.closest(".js-row").hidden);

  const matches = (row, words, digits) => {
    const text = row.dataset.search;
    if (digits.length === 16) {  // a whole NIK: its region and serial against the masked NIK
      return text.includes(`${digits.slice(0, 6)}******${digits.slice(12)}`);
    }
    return words.every((word) => text.includes(word));
  };

  const update = () => {
    const ticked = boxes.filter((box) => box.checked);
    const hidden = ticked.filter((box) => box.closest(".js-row").hidden);
    form.querySelector("[data-testid=ticked-count]").textContent = ticked.length;
    form.querySelector("[data-testid=ticked-hidden]").textContent = hidden.length;
    form.querySelector(".js-ticked-hidden").hidden = hidden.length === 0;
    const open = shownBoxes();
    tickAll.disabled = open.length === 0;
    tickAll.textContent = open.length && open.every((box) => box.checked) ? "Hapus centang yang tampil" : "Centang semua";
    if (store) {
      store.setItem(storageKey, JSON.stringify(ticked.map((box) => box.value)));
    }
  };

  const filter = () => {
    const query = search.value.trim().toLowerCase();
    const words = query.split(/\s+/).filter(Boolean);
    const digits = query.replace(/\D/g, "");
    const place = jorong.value;
    let shown = 0;
    rows.forEach((row) => {
      row.hidden = !((place === "*" || row.dataset.jorong === place) && matches(row, words, digits));
      shown += row.hidden ? 0 : 1;
    });
    heads.forEach((head) => {
      head.hidden = !rows.some((row) => !row.hidden && row.dataset.jorong === head.dataset.jorong);
    });
    form.querySelector("[data-testid=shown-count]").textContent = shown;
    form.querySelector(".js-none-shown").hidden = shown > 0;
    update();
  };

  if (store) {
    const kept = new Set(JSON.parse(store.getItem(storageKey) || "[]"));
    boxes.forEach((box) => { box.checked = box.checked || kept.has(box.value); });
  }
  search.addEventListener("input", filter);
  jorong.addEventListener("change", filter);
  boxes.forEach((box) => box.addEventListener("change", update));
  tickAll.addEventListener("click", () => {
    const open = shownBoxes();
    const tick = open.some((box) => !box.checked);
    open.forEach((box) => { box.checked = tick; });
    update();
  });
  // Enter in the search box filters; it never sends the payments.
  search.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
    }
  });
  form.addEventListener("submit", () => {
    if (store) {
      store.removeItem(storageKey);
    }
  });
  filter();
});
