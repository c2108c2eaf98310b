// An instructor's read-only view of one learner's cluster, opened from the workshop dashboard.
import { useStylesheet } from '../pages/api.js';
import { mountClusterMap } from '../cluster-map/panel.js';

function start(): void {
  useStylesheet('cluster');
  const el = document.getElementById('cluster-map');
  const learner = el?.dataset.learner;
  if (!el || !learner) return;
  const map = mountClusterMap(el, { learner, prefsKey: `kubelab-cluster-watch:${learner}` });
  map.show();
  (window as unknown as { kubelab?: unknown }).kubelab = { clusterMap: map };
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
