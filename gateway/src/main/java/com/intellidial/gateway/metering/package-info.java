/** Usage events, ledger, budgets and rate limits. */
@NullMarked
package com.intellidial.gateway.metering;

import org.jspecify.annotations.NullMarked;
