// Participant pages: long submits (imports, the monthly screen) are sent once. The monthly screen's own
// search, jorong filter and ticks are in monthly.js.
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
});
