// Participant pages: "tick all" on the monthly payment screen; long submits (imports) are sent once.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("form.js-once").forEach((form) => {
    form.addEventListener("submit", () => {
      form.querySelectorAll("button[type=submit]").forEach((button) => {
        button.disabled = true;
        if (button.dataset.busy) {
          button.textContent = button.dataset.busy;
        }
      });
    });
  });
  document.querySelectorAll(".js-tick-all").forEach((button) => {
    button.addEventListener("click", () => {
      const boxes = Array.from(button.closest("form").querySelectorAll(".js-tick"));
      const tick = boxes.some((box) => !box.checked);
      boxes.forEach((box) => { box.checked = tick; });
      button.textContent = tick ? "Hapus centang" : "Centang semua";
    });
  });
});
