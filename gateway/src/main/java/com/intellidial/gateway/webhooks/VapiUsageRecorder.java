package com.intellidial.gateway.webhooks;

/**
 * Meters the server messages that carry usage; never blocks and never fails the webhook.
 */
interface VapiUsageRecorder {

    /** Hands the usage a message carries (if any) to the ledger and returns at once. */
    void record(String tenantId, VapiServerMessage message);
}
