// "Autour de moi" on the directory search (app/templates/directory/search.html).
// The page works without this file: people type a commune or a postcode. With it, a
// button asks the browser for the position, only when the person presses it; the
// position fills the hidden lat/lon fields and the form is sent. Nothing is stored.
(function () {
  var button = document.getElementById("pres-de-moi");
  if (!button || !("geolocation" in navigator)) { return; }
  var form = button.form || document.getElementById("recherche-lieux");
  var status = document.getElementById("pres-de-moi-statut");
  button.closest(".near-me").hidden = false;
  button.addEventListener("click", function () {
    button.disabled = true;
    if (status) { status.textContent = "Recherche de votre position…"; }
    navigator.geolocation.getCurrentPosition(function (position) {
      form.elements.lat.value = position.coords.latitude.toFixed(5);
      form.elements.lon.value = position.coords.longitude.toFixed(5);
      form.elements.lieu.value = "";  // the position, not a commune typed before
      form.submit();
    }, function () {
      button.disabled = false;
      if (status) { status.textContent = button.getAttribute("data-error"); }
    }, { enableHighAccuracy: false, timeout: 15000, maximumAge: 300000 });
  });
})();
