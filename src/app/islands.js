// Loads the WASM only on a page that has islands (the interactive parts); a page that only
// reads downloads no script beyond this one. Each island is hydrated where the server put it.
((js, wasm) => {
  const islands = document.querySelectorAll('leptos-island');
  if (islands.length === 0) return;
  import(js)
    .then(async (mod) => {
      await mod.default({ module_or_path: wasm });
      mod.hydrate();
      const hydrate = (el) => {
        if (el.$$hydrated) return;
        el.$$hydrated = true;
        const island = mod[el.dataset.component];
        if (island) island(el);
        else console.warn(`no WASM function for the island ${el.dataset.component}`);
      };
      islands.forEach(hydrate);
      // For islands that arrive later in HTML fetched by another island (the live draft).
      window.__hydrateIslands = (root) => root.querySelectorAll('leptos-island').forEach(hydrate);
      // End-to-end tests wait for this; CSS may show controls that need JavaScript; the
      // first-load benchmark reads the mark.
      document.documentElement.dataset.hydrated = 'true';
      performance.mark('groundwork:interactive');
    })
    .catch((error) => console.error('the page could not start its interactive parts', error));
})
