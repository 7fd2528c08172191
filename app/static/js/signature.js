/* Ordilien: a small signature pad for the counter (finger, stylus or mouse).
 *
 * Markup (see templates/loans/_signature.html):
 *   <div data-signature-pad data-signature-input="signature_data">
 *     <canvas width="600" height="200"></canvas>
 *     <button type="button" data-signature-clear>…</button>
 *   </div>
 * data-signature-input names the id of the form's hidden field. The drawing is copied into the hidden input as a PNG data URL after each stroke.
 * Loaded from our own origin: no inline script, so the Content-Security-Policy holds.
 */
(function () {
  "use strict";

  function setup(root) {
    var canvas = root.querySelector("canvas");
    var input = document.getElementById(root.getAttribute("data-signature-input") || "");
    var clear = root.querySelector("[data-signature-clear]");
    var status = root.querySelector("[data-signature-status]");
    if (!canvas || !input) { return; }
    var ctx = canvas.getContext("2d");
    var drawing = false;
    var last = null;
    var inked = false;

    canvas.style.touchAction = "none"; // the finger draws instead of scrolling the page
    canvas.style.width = "100%";
    canvas.style.maxWidth = canvas.width + "px";
    canvas.style.height = "auto";
    canvas.style.border = "2px solid #767676";
    canvas.style.borderRadius = "6px";
    canvas.style.background = "#fff";
    canvas.style.cursor = "crosshair";

    function point(event) {
      var box = canvas.getBoundingClientRect();
      return {
        x: (event.clientX - box.left) * (canvas.width / box.width),
        y: (event.clientY - box.top) * (canvas.height / box.height)
      };
    }

    function line(from, to) {
      ctx.strokeStyle = "#111";
      ctx.lineWidth = 3;
      ctx.lineCap = "round";
      ctx.lineJoin = "round";
      ctx.beginPath();
      ctx.moveTo(from.x, from.y);
      ctx.lineTo(to.x + 0.01, to.y + 0.01);
      ctx.stroke();
    }

    function save() {
      input.value = inked ? canvas.toDataURL("image/png") : "";
      if (status) { status.textContent = inked ? status.dataset.signed : status.dataset.empty; }
    }

    canvas.addEventListener("pointerdown", function (event) {
      event.preventDefault();
      drawing = true;
      last = point(event);
      if (canvas.setPointerCapture) { canvas.setPointerCapture(event.pointerId); }
      line(last, last);
      inked = true;
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!drawing) { return; }
      event.preventDefault();
      var next = point(event);
      line(last, next);
      last = next;
    });
    function stop() {
      if (!drawing) { return; }
      drawing = false;
      save();
    }
    canvas.addEventListener("pointerup", stop);
    canvas.addEventListener("pointercancel", stop);
    canvas.addEventListener("pointerleave", stop);

    if (clear) {
      clear.addEventListener("click", function () {
        ctx.clearRect(0, 0, canvas.width, canvas.height);
        inked = false;
        save();
      });
    }
    // The pad is usable: show it (it stays hidden without JavaScript; paper is the fallback).
    root.hidden = false;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var pads = document.querySelectorAll("[data-signature-pad]");
    for (var i = 0; i < pads.length; i++) { setup(pads[i]); }
  });
})();
