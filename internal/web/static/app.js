// Conveniences only: every page works without this file.
(function () {
  // Narrow the community list to the chosen street.
  var street = document.getElementById("street");
  var community = document.getElementById("community");
  if (street && community) {
    var filter = function () {
      var groups = community.querySelectorAll("optgroup");
      for (var i = 0; i < groups.length; i++) {
        var show = !street.value || groups[i].getAttribute("data-street") === street.value;
        groups[i].hidden = !show;
        groups[i].disabled = !show;
      }
      var sel = community.selectedOptions && community.selectedOptions[0];
      if (sel && sel.parentNode.disabled) community.value = "";
    };
    street.addEventListener("change", filter);
    community.addEventListener("change", function () {
      var sel = community.selectedOptions[0];
      if (sel && sel.parentNode.getAttribute("data-street")) street.value = sel.parentNode.getAttribute("data-street");
    });
    filter();
  }
})();
