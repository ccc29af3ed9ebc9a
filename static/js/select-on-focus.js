// Inputs marked data-select-on-focus select their whole value when focused (a token to copy).
document.querySelectorAll("[data-select-on-focus]").forEach((input) => {
  input.addEventListener("focus", () => input.select());
});
