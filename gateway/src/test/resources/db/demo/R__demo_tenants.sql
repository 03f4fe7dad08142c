-- Demo tenants of the local run (LocalGatewayApplication). Local-only keys, never in production:
--   acme:   igw_demo_acme_3f9c2a7b51e84d06a1c4e8b2d7f05a93
--   globex: igw_demo_globex_8b1e4f6a2c9d47e3b05f1a8c6d2e9b74
--   initech:  igw_demo_initech_6a0d3c9e2b7f41a8d5c3e9f1b2a7d604  (shared-org: the platform's VAPI org)
--   umbrella: igw_demo_umbrella_c4e7a1f9d2b6430e8a5c7d1f3b9e2a68 (shared-org: the platform's VAPI org)
-- Only sha256(secret) is stored, as for every key.

insert into tenants (id, name, vapi_mode, telephony_mode)
values ('acme', 'Acme Corp', 'dedicated-org', 'byo-twilio'),
       ('globex', 'Globex Inc', 'dedicated-org', 'byo-twilio'),
       ('initech', 'Initech', 'shared-org', 'vapi-number'),
       ('umbrella', 'Umbrella Corp', 'shared-org', 'vapi-number')
on conflict (id) do nothing;

insert into api_keys (key_id, tenant_id, env, secret_sha256, label)
values ('acme', 'acme', 'demo', sha256(convert_to('3f9c2a7b51e84d06a1c4e8b2d7f05a93', 'UTF8')), 'demo key'),
       ('globex', 'globex', 'demo', sha256(convert_to('8b1e4f6a2c9d47e3b05f1a8c6d2e9b74', 'UTF8')), 'demo key'),
       ('initech', 'initech', 'demo', sha256(convert_to('6a0d3c9e2b7f41a8d5c3e9f1b2a7d604', 'UTF8')), 'demo key'),
       ('umbrella', 'umbrella', 'demo', sha256(convert_to('c4e7a1f9d2b6430e8a5c7d1f3b9e2a68', 'UTF8')), 'demo key')
on conflict (key_id) do nothing;
