/** Short quiz answers: the forms a person would type are accepted; a different meaning is not. */
import { describe, expect, it } from 'vitest';
import { sameShortAnswer } from '../../../server/course/quiz/short-answer.js';

describe('short answers in the forms a person types', () => {
  const same: [string, string][] = [
    ['kubectl get pod web -n team-a', 'kubectl get pods/web --namespace=team-a'],
    ['kubectl get pod web -n team-a', 'kubectl -n team-a get po web'],
    ['kubectl get pod web -n team-a', 'k get pod web --namespace team-a'],
    ['kubectl get pod web -n team-a', '`kubectl get pod web -nteam-a`'],
    ['kubectl get deployment web -o yaml', 'kubectl get deploy/web -oyaml'],
    ['kubectl get deployment web -o yaml', 'kubectl get deployments web --output=yaml'],
    ['kubectl exec -it web -- sh', 'kubectl exec -ti web -- sh'],
    ['kubectl get pods -A', 'kubectl get po --all-namespaces'],
    ['policy/v1', 'apiVersion: policy/v1'],
    ['policy/v1', '`policy/v1`'],
    ['kube-apiserver', '  Kube-APIServer. '],
    ['the api server', 'the   API server'],
  ];
  for (const [accepted, typed] of same) it(`“${typed}” counts as “${accepted}”`, () => expect(sameShortAnswer(accepted, typed)).toBe(true));

  const different: [string, string][] = [
    ['kubectl get pod web -n team-a', 'kubectl get pod web'],
    ['kubectl get pod web -n team-a', 'kubectl get pod web -n team-b'],
    ['kubectl get pod web -n team-a', 'kubectl delete pod web -n team-a'],
    ['kubectl get pod web -n team-a', 'kubectl get pod api -n team-a'],
    ['kubectl get pod web -n team-a', 'kubectl get service web -n team-a'],
    ['kubectl get deployment web -o yaml', 'kubectl get deployment web -o json'],
    ['kubectl exec -it web -- sh', 'kubectl exec -it web -- bash'],
    ['policy/v1', 'policy/v1beta1'],
    ['policy/v1', 'apps/v1'],
    ['kube-apiserver', 'etcd'],
  ];
  for (const [accepted, typed] of different) it(`“${typed}” does not count as “${accepted}”`, () => expect(sameShortAnswer(accepted, typed)).toBe(false));
});
