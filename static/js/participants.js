// Participant pages: "tick all" on the monthly payment screen.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll(".js-tick-all").forEach((button) => {
    button.addEventListener("click", () => {
      const boxes = Array.from(button.closest("form").querySelectorAll(".js-tick"));
      const tick = boxes.some((box) => !box.checked);
      boxes.forEach((box) => { box.checked = tick; });
      button.textContent = tick ? "Hapus centang" : "Centang semua";
    });
  });
});
