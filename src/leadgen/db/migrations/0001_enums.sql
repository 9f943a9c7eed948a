-- 0001: the enum types of the plan's DDL, verbatim (names and labels in order).
-- Select fields of the Airtable base map onto these through the mapping file.

CREATE TYPE company_status AS ENUM (
  'new', 'enrichment_failed', 'triage_passed', 'triage_review',
  'triage_disqualified', 'enrichment_l2_failed', 'enriched_l2',
  'synced', 'needs_review', 'enriched', 'error_pushing_lemlist'
);

CREATE TYPE company_tier AS ENUM (
  'tier_1_platinum', 'tier_2_gold', 'tier_3_silver',
  'tier_4_bronze', 'tier_5_copper', 'deprioritize'
);

CREATE TYPE business_model AS ENUM (
  'b2b', 'b2c', 'marketplace', 'gov', 'non_profit', 'hybrid'
);

CREATE TYPE company_size AS ENUM (
  'micro', 'startup', 'smb', 'mid_market', 'enterprise'
);

CREATE TYPE ownership_type AS ENUM (
  'bootstrapped', 'vc_backed', 'pe_backed', 'public',
  'family_owned', 'state_owned', 'other'
);

CREATE TYPE geo_region AS ENUM (
  'dach', 'nordics', 'benelux', 'cee', 'uk_ireland',
  'southern_europe', 'us', 'other'
);

CREATE TYPE industry_enum AS ENUM (
  'software_saas', 'it', 'professional_services', 'financial_services',
  'healthcare', 'manufacturing', 'retail', 'media', 'energy',
  'telecom', 'transport', 'construction', 'education', 'public_sector', 'other'
);

CREATE TYPE revenue_range AS ENUM (
  'micro', 'small', 'medium', 'mid_market', 'enterprise'
);

CREATE TYPE buying_stage AS ENUM (
  'unaware', 'problem_aware', 'exploring_ai', 'looking_for_partners',
  'in_discussion', 'proposal_sent', 'won', 'lost'
);

CREATE TYPE engagement_status AS ENUM (
  'cold', 'approached', 'prospect', 'customer', 'churned'
);

CREATE TYPE crm_status_enum AS ENUM (
  'cold', 'scheduled_for_outreach', 'outreach', 'prospect', 'customer', 'churn'
);

CREATE TYPE confidence_level AS ENUM ('low', 'medium', 'high');

CREATE TYPE business_type AS ENUM (
  'manufacturer', 'distributor', 'service_provider', 'saas', 'platform', 'other'
);

CREATE TYPE cohort_enum AS ENUM ('a', 'b');

CREATE TYPE seniority_level AS ENUM (
  'c_level', 'vp', 'director', 'manager', 'individual_contributor', 'founder', 'other'
);

CREATE TYPE department_enum AS ENUM (
  'executive', 'engineering', 'product', 'sales', 'marketing',
  'customer_success', 'finance', 'hr', 'operations', 'other'
);

CREATE TYPE icp_fit AS ENUM ('strong_fit', 'moderate_fit', 'weak_fit', 'unknown');

CREATE TYPE relationship_status AS ENUM (
  'prospect', 'active', 'dormant', 'former', 'partner', 'internal'
);

CREATE TYPE contact_source AS ENUM (
  'inbound', 'outbound', 'referral', 'event', 'social', 'other'
);

CREATE TYPE contact_message_status AS ENUM (
  'not_started', 'generating', 'pending_review', 'approved', 'sent',
  'replied', 'no_channel', 'generation_failed'
);

CREATE TYPE message_channel AS ENUM (
  'linkedin_connect', 'linkedin_message', 'email', 'call_script'
);

CREATE TYPE message_review_status AS ENUM (
  'draft', 'approved', 'rejected', 'sent', 'delivered', 'replied'
);

CREATE TYPE message_tone AS ENUM ('professional', 'casual', 'bold', 'empathetic');
CREATE TYPE message_variant AS ENUM ('a', 'b');
CREATE TYPE language_enum AS ENUM ('en', 'de', 'nl', 'cs');

CREATE TYPE activity_source AS ENUM ('email', 'linkedin', 'call', 'in_person', 'manual');
CREATE TYPE activity_type_enum AS ENUM ('message', 'event');

CREATE TYPE crm_event_type AS ENUM (
  'meeting', 'call', 'email', 'demo', 'follow_up', 'intro', 'note', 'other'
);
CREATE TYPE crm_event_outcome AS ENUM (
  'scheduled', 'completed', 'postponed', 'cancelled', 'action_required'
);

CREATE TYPE tag_category AS ENUM (
  'risk_exclusion_flag', 'opportunity_theme', 'trigger_event',
  'ai_use_case', 'pain_area', 'opportunity_area', 'strategic_signal'
);

CREATE TYPE campaign_channel AS ENUM ('linkedin', 'email', 'multi');

