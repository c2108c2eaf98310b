/** The learner's lab role: what discovery serves, minus the refusals, for each kind of resource. */
import { describe, expect, it } from 'vitest';
import { allowedVerbs, learnerRules } from '../../../sandbox/lab-role.js';

const all = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

describe('the learner role generated from discovery', () => {
  it.each([
    // Every verb, written as `*` so a learner may grant `--verb='*'` or verbs a subresource does not serve.
    ['', 'pods', all, ['*']],
    ['apps', 'deployments', all, ['*']],
    ['apps', 'deployments/scale', ['get', 'patch', 'update'], ['*']],
    ['', 'pods/eviction', ['create'], ['*']],
    ['', 'pods/exec', ['create', 'get'], ['*']],
    ['', 'pods/log', ['get'], ['*']],
    ['apiextensions.k8s.io', 'customresourcedefinitions', all, ['*']],
    ['admissionregistration.k8s.io', 'validatingadmissionpolicies', all, ['*']],
    ['admissionregistration.k8s.io', 'mutatingadmissionpolicybindings', all, ['*']],
    // Where a wildcard would also grant bind, escalate, impersonate, approve or sign: the served verbs.
    ['', 'serviceaccounts', all, all],
    ['', 'serviceaccounts/token', ['create'], ['create']],
    ['rbac.authorization.k8s.io', 'clusterroles', all, all],
    ['rbac.authorization.k8s.io', 'roles', all, all],
    ['certificates.k8s.io', 'certificatesigningrequests', all, all],
    ['authentication.k8s.io', 'tokenreviews', ['create'], ['create']],
    ['authorization.k8s.io', 'subjectaccessreviews', ['create'], ['create']],
    // Refused: forging what checks read, or making the API server connect somewhere.
    ['', 'pods/status', ['get', 'patch', 'update'], ['get']],
    ['apps', 'deployments/status', ['get', 'patch', 'update'], ['get']],
    ['batch', 'jobs/status', ['get', 'patch', 'update'], ['get']],
    ['', 'nodes/status', ['get', 'patch', 'update'], ['get']],
    ['example.com', 'widgets/status', ['get', 'patch', 'update'], ['get']],
    ['', 'pods/proxy', ['create', 'delete', 'get', 'patch', 'update'], []],
    ['', 'services/proxy', ['create', 'delete', 'get', 'patch', 'update'], []],
    ['', 'nodes/proxy', ['create', 'delete', 'get', 'patch', 'update'], []],
    ['', 'pods/binding', ['create'], []],
    ['', 'bindings', ['create'], []],
    ['', 'nodes', all, ['delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch']],
    ['admissionregistration.k8s.io', 'validatingwebhookconfigurations', all, ['get', 'list', 'watch']],
    ['admissionregistration.k8s.io', 'mutatingwebhookconfigurations', all, ['get', 'list', 'watch']],
    ['apiregistration.k8s.io', 'apiservices', all, ['get', 'list', 'watch']],
    ['certificates.k8s.io', 'certificatesigningrequests/approval', ['get', 'patch', 'update'], ['get']],
    ['', 'events', all, ['get', 'list', 'watch']],
    ['events.k8s.io', 'events', all, ['get', 'list', 'watch']],
  ])('%s %s: served %j → granted %j', (group, resource, served, granted) => {
    expect(allowedVerbs({ group, resource, verbs: served })).toEqual(granted);
  });

  it('writes one rule per group and verb set; grants no escalate or impersonate of users and groups, and bind only on view, edit and admin', () => {
    const rules = learnerRules([
      { group: '', resource: 'pods', verbs: all },
      { group: '', resource: 'configmaps', verbs: all },
      { group: '', resource: 'pods/status', verbs: ['get', 'patch', 'update'] },
      { group: '', resource: 'pods/proxy', verbs: ['get', 'create'] },
    ]);
    const core = rules.filter((r) => r.apiGroups[0] === '');
    expect(core).toEqual([
      { apiGroups: [''], resources: ['configmaps', 'pods'], verbs: ['*'] },
      { apiGroups: [''], resources: ['pods/status'], verbs: ['get'] },
    ]);
    const verbs = rules.flatMap((r) => r.verbs);
    for (const v of ['escalate', 'impersonate', 'approve']) expect(verbs).not.toContain(v);
    // bind only on the default user-facing roles, never on cluster-admin or any other role.
    const binding = rules.filter((r) => r.verbs.includes('bind'));
    expect(binding).toEqual([{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'], resourceNames: ['view', 'edit', 'admin'], verbs: ['bind'] }]);
    // ServiceAccount impersonation only to ask the API server what the account may do.
    expect(rules).toContainEqual({ apiGroups: ['authentication.k8s.io'], resources: ['serviceaccounts'], verbs: ['impersonate:serviceaccount'] });
    const on = rules.filter((r) => r.verbs.some((v) => v.startsWith('impersonate-on:')));
    expect(on.flatMap((r) => r.resources).sort()).toEqual(['selfsubjectaccessreviews', 'selfsubjectrulesreviews']);
  });
});

describe('the default edit and admin roles, narrowed', () => {
  it('lose pods/proxy, services/proxy and ServiceAccount impersonation, and keep everything else', async () => {
    const { narrowRules } = await import('../../../sandbox/lab-role.js');
    // As system:aggregate-to-edit holds them (Kubernetes 1.37), shortened.
    const rules = [
      { apiGroups: [''], resources: ['pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy', 'secrets', 'services/proxy'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['serviceaccounts'], verbs: ['impersonate'] },
      { apiGroups: [''], resources: ['pods', 'pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy'], verbs: ['create', 'delete', 'deletecollection', 'patch', 'update'] },
      { apiGroups: [''], resources: ['services/proxy'], verbs: ['create', 'delete', 'patch', 'update'] },
      { apiGroups: ['apps'], resources: ['deployments'], verbs: ['create', 'delete', 'patch', 'update'] },
    ];
    expect(narrowRules(rules)).toEqual([
      { apiGroups: [''], resources: ['pods/attach', 'pods/exec', 'pods/portforward', 'secrets'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['pods', 'pods/attach', 'pods/exec', 'pods/portforward'], verbs: ['create', 'delete', 'deletecollection', 'patch', 'update'] },
      { apiGroups: ['apps'], resources: ['deployments'], verbs: ['create', 'delete', 'patch', 'update'] },
    ]);
  });
});
