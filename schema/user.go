package schema

// Builders for the attribute definitions below. Each call returns fresh
// values so callers may adapt a schema before handing it to
// [NewResourceType].

// attr returns a singular, optional, readWrite, returned-by-default
// attribute of type t with no uniqueness.
func attr(name string, t Type, desc string) *Attribute {
	return &Attribute{
		Name:        name,
		Type:        t,
		Description: desc,
		Mutability:  ReadWrite,
		Returned:    Default,
		Uniqueness:  None,
	}
}

func str(name, desc string) *Attribute { return attr(name, String, desc) }

func complexAttr(name, desc string, multi bool, subs ...*Attribute) *Attribute {
	a := attr(name, Complex, desc)
	a.MultiValued = multi
	a.SubAttributes = subs
	return a
}

func ref(name, desc string, types ...string) *Attribute {
	a := attr(name, Reference, desc)
	a.ReferenceTypes = types
	a.CaseExact = true
	return a
}

func withCanon(a *Attribute, values ...string) *Attribute {
	a.CanonicalValues = values
	return a
}

func readOnly(a *Attribute) *Attribute {
	a.Mutability = ReadOnly
	for _, s := range a.SubAttributes {
		s.Mutability = ReadOnly
	}
	return a
}

// multiValue returns the usual multi-valued complex attribute with value,
// display, type and primary (RFC 7643 §2.4).
func multiValue(name, desc string, value *Attribute, types ...string) *Attribute {
	return complexAttr(name, desc, true,
		value,
		str("display", "A human-readable name, primarily used for display purposes."),
		withCanon(str("type", "A label indicating the attribute's function."), types...),
		attr("primary", Boolean, "A Boolean value indicating the 'primary' or preferred attribute value for this attribute."),
	)
}

// CommonAttributes returns the definitions of the attributes every resource
// has (RFC 7643 §3.1): id, externalId and meta. They belong to no schema.
func CommonAttributes() []*Attribute {
	id := str("id", "A unique identifier for a SCIM resource as defined by the service provider.")
	id.CaseExact = true
	id.Mutability = ReadOnly
	id.Returned = Always
	id.Uniqueness = Server

	externalID := str("externalId", "A String that is an identifier for the resource as defined by the provisioning client.")
	externalID.CaseExact = true

	resourceType := str("resourceType", "The name of the resource type of the resource.")
	resourceType.CaseExact = true
	version := str("version", "The version of the resource being returned.")
	version.CaseExact = true
	meta := readOnly(complexAttr("meta", "A complex attribute containing resource metadata.", false,
		resourceType,
		attr("created", DateTime, "The DateTime that the resource was added to the service provider."),
		attr("lastModified", DateTime, "The most recent DateTime that the details of this resource were updated at the service provider."),
		ref("location", "The URI of the resource being returned.", "uri"),
		version,
	))
	return []*Attribute{id, externalID, meta}
}

// UserSchema returns the core User schema (RFC 7643 §4.1, §8.7.1).
func UserSchema() *Schema {
	userName := str("userName", "Unique identifier for the User, typically used by the user to directly authenticate to the service provider.")
	userName.Required = true
	userName.Uniqueness = Server

	password := str("password", "The User's cleartext password.")
	password.Mutability = WriteOnly
	password.Returned = Never

	binaryValue := attr("value", Binary, "The value of an X.509 certificate.")
	binaryValue.CaseExact = true // binary values are case-exact (RFC 7643 §2.3.6)

	groupValue := str("value", "The identifier of the User's group.")
	groupValue.CaseExact = true

	return &Schema{
		ID:          UserURN,
		Name:        "User",
		Description: "User Account",
		Attributes: []*Attribute{
			userName,
			complexAttr("name", "The components of the user's real name.", false,
				str("formatted", "The full name, including all middle names, titles, and suffixes as appropriate, formatted for display."),
				str("familyName", "The family name of the User, or last name in most Western languages."),
				str("givenName", "The given name of the User, or first name in most Western languages."),
				str("middleName", "The middle name(s) of the User."),
				str("honorificPrefix", "The honorific prefix(es) of the User, or title in most Western languages."),
				str("honorificSuffix", "The honorific suffix(es) of the User, or suffix in most Western languages."),
			),
			str("displayName", "The name of the User, suitable for display to end-users."),
			str("nickName", "The casual way to address the user in real life."),
			ref("profileUrl", "A fully qualified URL pointing to a page representing the User's online profile.", "external"),
			str("title", "The user's title, such as \"Vice President\"."),
			str("userType", "Used to identify the relationship between the organization and the user."),
			str("preferredLanguage", "Indicates the User's preferred written or spoken language."),
			str("locale", "Used to indicate the User's default location for purposes of localizing items such as currency, date time format, or numerical representations."),
			str("timezone", "The User's time zone in the 'Olson' time zone database format, e.g., 'America/Los_Angeles'."),
			attr("active", Boolean, "A Boolean value indicating the User's administrative status."),
			password,
			multiValue("emails", "Email addresses for the user.",
				str("value", "Email addresses for the user."),
				"work", "home", "other"),
			multiValue("phoneNumbers", "Phone numbers for the User.",
				str("value", "Phone number of the User."),
				"work", "home", "mobile", "fax", "pager", "other"),
			multiValue("ims", "Instant messaging addresses for the User.",
				str("value", "Instant messaging address for the User."),
				"aim", "gtalk", "icq", "xmpp", "msn", "skype", "qq", "yahoo"),
			multiValue("photos", "URLs of photos of the User.",
				ref("value", "URL of a photo of the User.", "external"),
				"photo", "thumbnail"),
			complexAttr("addresses", "A physical mailing address for this User.", true,
				str("formatted", "The full mailing address, formatted for display or use with a mailing label."),
				str("streetAddress", "The full street address component, which may include house number, street name, P.O. box, and multi-line extended street address information."),
				str("locality", "The city or locality component."),
				str("region", "The state or region component."),
				str("postalCode", "The zip code or postal code component."),
				str("country", "The country name component."),
				withCanon(str("type", "A label indicating the attribute's function."), "work", "home", "other"),
				attr("primary", Boolean, "A Boolean value indicating the 'primary' or preferred address."),
			),
			readOnly(complexAttr("groups", "A list of groups to which the user belongs, either through direct membership, through nested groups, or dynamically calculated.", true,
				groupValue,
				ref("$ref", "The URI of the corresponding 'Group' resource to which the user belongs.", "User", "Group"),
				str("display", "A human-readable name, primarily used for display purposes."),
				withCanon(str("type", "A label indicating the attribute's function."), "direct", "indirect"),
			)),
			multiValue("entitlements", "A list of entitlements for the User that represent a thing the User has.",
				str("value", "The value of an entitlement.")),
			multiValue("roles", "A list of roles for the User that collectively represent who the User is.",
				str("value", "The value of a role.")),
			multiValue("x509Certificates", "A list of certificates issued to the User.",
				binaryValue),
		},
	}
}

// EnterpriseUserSchema returns the enterprise User extension schema
// (RFC 7643 §4.3, §8.7.1).
func EnterpriseUserSchema() *Schema {
	managerDisplay := str("displayName", "The displayName of the User's manager.")
	managerDisplay.Mutability = ReadOnly
	return &Schema{
		ID:          EnterpriseUserURN,
		Name:        "EnterpriseUser",
		Description: "Enterprise User",
		Attributes: []*Attribute{
			str("employeeNumber", "Numeric or alphanumeric identifier assigned to a person, typically based on order of hire or association with an organization."),
			str("costCenter", "Identifies the name of a cost center."),
			str("organization", "Identifies the name of an organization."),
			str("division", "Identifies the name of a division."),
			str("department", "Identifies the name of a department."),
			complexAttr("manager", "The User's manager.", false,
				str("value", "The id of the SCIM resource representing the User's manager."),
				ref("$ref", "The URI of the SCIM resource representing the User's manager.", "User"),
				managerDisplay,
			),
		},
	}
}

// GroupSchema returns the core Group schema (RFC 7643 §4.2, §8.7.1).
func GroupSchema() *Schema {
	displayName := str("displayName", "A human-readable name for the Group.")
	displayName.Required = true

	value := str("value", "Identifier of the member of this Group.")
	value.CaseExact = true
	value.Mutability = Immutable
	memberRef := ref("$ref", "The URI corresponding to a SCIM resource that is a member of this Group.", "User", "Group")
	memberRef.Mutability = Immutable
	display := str("display", "A human-readable name for the member.")
	display.Mutability = ReadOnly
	typ := withCanon(str("type", "A label indicating the type of resource, e.g., 'User' or 'Group'."), "User", "Group")
	typ.Mutability = Immutable

	return &Schema{
		ID:          GroupURN,
		Name:        "Group",
		Description: "Group",
		Attributes: []*Attribute{
			displayName,
			complexAttr("members", "A list of members of the Group.", true, value, memberRef, display, typ),
		},
	}
}
