// The Jupyter widgets HTML manager typesets the outputs it renders with MathJax 2's API
// (MathJax.Hub.Queue). The book uses MathJax 3, which has no Hub: give it a small adapter that
// typesets with MathJax 3 instead. Loaded deferred, right after MathJax and before the widgets render.
(function () {
  var mj = window.MathJax;
  if (mj && !mj.Hub) {
    mj.Hub = {
      Queue: function () {
        var m = window.MathJax;
        if (m && m.typesetPromise) {
          m.typesetPromise().catch(function () {});
        }
      },
    };
  }
})();
